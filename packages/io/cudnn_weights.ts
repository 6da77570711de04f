import type { Layer } from "@kerno/layers";

/** One weight array of a file: its shape, and how to read its values (C order) once checked. */
export interface StoredArray {
  /** Reads the values, in C order. */
  read: () => Float32Array;
  /** Shape in the file. */
  shape: readonly number[];
}

/**
 * Gate by gate, the Keras kernel that does what cuDNN did with a CuDNNLSTM/CuDNNGRU input
 * kernel: cuDNN read each gate's `(input, units)` block, in C order, as a `(units, input)`
 * matrix, so the equivalent Keras block is `K[i][j] = flat[j·input + i]` (Keras 2's
 * `kernel.T.reshape(kernel.shape, order="F")`).
 */
function convertInputKernel(a: StoredArray, gates: number): StoredArray {
  return { read: () => inputKernel(a.read(), a.shape, gates), shape: a.shape };
}

function inputKernel(data: Float32Array, shape: readonly number[], gates: number): Float32Array {
  const [rows, cols] = shape;
  const units = cols / gates;
  const out = new Float32Array(data.length);
  for (let g = 0; g < gates; g++) {
    for (let p = 0; p < rows * units; p++) {
      // p-th value of the gate block in C order: block[r][c], r = p / units, c = p % units
      const value = data[Math.floor(p / units) * cols + g * units + (p % units)];
      // goes to K[i][j] with p = j·rows + i
      const i = p % rows;
      const j = Math.floor(p / rows);
      out[i * cols + g * units + j] = value;
    }
  }
  return out;
}

/** Gate by gate, the transpose of each square recurrent block. */
function convertRecurrentKernel(a: StoredArray, gates: number): StoredArray {
  const [units, cols] = a.shape;
  const read = () => {
    const data = a.read();
    const out = new Float32Array(data.length);
    for (let g = 0; g < gates; g++) {
      for (let r = 0; r < units; r++) {
        for (let c = 0; c < units; c++) {
          out[c * cols + g * units + r] = data[r * cols + g * units + c];
        }
      }
    }
    return out;
  };
  return { read, shape: a.shape };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Converts the three arrays of one recurrent layer when they are in cuDNN's layout. */
function convertRecurrent(layer: Layer, arrays: StoredArray[], where: string): StoredArray[] {
  if (arrays.length !== 3 || arrays[1].shape.length !== 2 || arrays[2].shape.length !== 1) {
    return arrays;
  }
  const units = arrays[1].shape[0];
  const bias = arrays[2];
  if (layer.className === "LSTM" && sameShape(bias.shape, [8 * units])) {
    const summed = () => {
      const data = bias.read();
      const out = new Float32Array(4 * units);
      for (let k = 0; k < 4 * units; k++) out[k] = data[k] + data[4 * units + k];
      return out;
    };
    return [
      convertInputKernel(arrays[0], 4),
      convertRecurrentKernel(arrays[1], 4),
      { read: summed, shape: [4 * units] },
    ];
  }
  if (layer.className === "GRU" && sameShape(bias.shape, [6 * units])) {
    const wanted = layer.weights[2]?.shape ?? [];
    if (!sameShape(wanted, [2, 3 * units])) {
      throw new TypeError(
        `${where}: the file holds CuDNNGRU weights, which only a GRU with reset_after=true can use (layer "${layer.name}" expects a bias of shape [${wanted}])`,
      );
    }
    return [
      convertInputKernel(arrays[0], 3),
      convertRecurrentKernel(arrays[1], 3),
      { read: bias.read, shape: [2, 3 * units] },
    ];
  }
  return arrays;
}

/**
 * The arrays a legacy HDF5 file stores for `layer` (shapes known, values read later), converted
 * from the layout of Keras 2's
 * CuDNNLSTM / CuDNNGRU when they are in it, as Keras 2's `_convert_rnn_weights` did (told apart by
 * the bias: `8·units` values for CuDNNLSTM, `6·units` for CuDNNGRU): input kernels re-read gate by
 * gate, recurrent kernels transposed gate by gate, CuDNNLSTM's two biases summed, CuDNNGRU's
 * reshaped to `(2, 3·units)`. A Bidirectional layer converts each half with its inner layer.
 * The conversion is decided from the shapes alone and runs when a value is read. Anything else
 * is returned unchanged.
 *
 * @example
 * ```ts ignore
 * const arrays = convertCuDNNWeights(model.getLayer("lstm"), read, "model.h5");
 * ```
 */
export function convertCuDNNWeights(
  layer: Layer,
  arrays: StoredArray[],
  where: string,
): StoredArray[] {
  if (layer.className === "Bidirectional" && arrays.length === 6) {
    const halves = layer.children().map(([, child]) => child as Layer);
    if (halves.length === 2) {
      return [
        ...convertRecurrent(halves[0], arrays.slice(0, 3), where),
        ...convertRecurrent(halves[1], arrays.slice(3), where),
      ];
    }
  }
  return convertRecurrent(layer, arrays, where);
}
