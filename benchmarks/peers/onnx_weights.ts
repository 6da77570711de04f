/**
 * Keras recurrent weights to ONNX `LSTM`/`GRU` inputs. Keras: kernel `(in, G·H)`, recurrent
 * kernel `(H, G·H)`, LSTM gates i, f, c, o with bias `(4H)`; GRU gates z, r, h with bias
 * `(2, 3H)` = [input bias; recurrent bias] when `reset_after`. ONNX: `W (dirs, G·H, in)` and
 * `R (dirs, G·H, H)` *transposed*, LSTM gates i, o, f, c; `B (dirs, 2·G·H)` = [Wb ‖ Rb].
 *
 * @module
 */

/** One direction of a Keras LSTM or GRU, as `getWeights()` gives it. */
export interface KerasRecurrentWeights {
  /** Kernel `(in, G·H)`, row-major. */
  readonly kernel: Float32Array;
  /** Recurrent kernel `(H, G·H)`, row-major. */
  readonly recurrent: Float32Array;
  /** Bias: `(4H)` for an LSTM, `(2, 3H)` for a GRU with `reset_after`. */
  readonly bias: Float32Array;
}

/** ONNX `W`, `R` and `B` inputs, every direction stacked. */
export interface OnnxRecurrentWeights {
  /** `(dirs, G·H, in)`. */
  readonly W: Float32Array;
  /** `(dirs, G·H, H)`. */
  readonly R: Float32Array;
  /** `(dirs, 2·G·H)`. */
  readonly B: Float32Array;
}

/** ONNX LSTM gate g (i, o, f, c) is Keras gate `LSTM_ORDER[g]` (of i, f, c, o). */
export const LSTM_ORDER: readonly number[] = [0, 3, 1, 2];
/** ONNX GRU gate g (z, r, h) is Keras gate `GRU_ORDER[g]` (same order). */
export const GRU_ORDER: readonly number[] = [0, 1, 2];

/**
 * Transposes a Keras `(rows, G·H)` matrix into ONNX `(G·H, rows)`, reordering the gate blocks:
 * ONNX block g is Keras block `order[g]`.
 */
export function transposeGates(
  src: Float32Array,
  rows: number,
  units: number,
  order: readonly number[],
): Float32Array {
  const cols = order.length * units;
  if (src.length !== rows * cols) {
    throw new RangeError(`Expected ${rows}×${cols} = ${rows * cols} values, found ${src.length}`);
  }
  const dst = new Float32Array(src.length);
  order.forEach((from, g) => {
    for (let j = 0; j < units; j++) {
      const out = (g * units + j) * rows;
      const col = from * units + j;
      for (let k = 0; k < rows; k++) dst[out + k] = src[k * cols + col];
    }
  });
  return dst;
}

function reorder(src: Float32Array, units: number, order: readonly number[]): Float32Array {
  return transposeGates(src, 1, units, order);
}

/** One LSTM direction: ONNX `[W, R, B]` (the recurrent bias Rb is zero, as Keras has one bias). */
export function lstmDirection(w: KerasRecurrentWeights, units: number): Float32Array[] {
  const inputs = w.kernel.length / (4 * units);
  const B = new Float32Array(8 * units);
  B.set(reorder(w.bias, units, LSTM_ORDER));
  return [
    transposeGates(w.kernel, inputs, units, LSTM_ORDER),
    transposeGates(w.recurrent, units, units, LSTM_ORDER),
    B,
  ];
}

/** One GRU direction (`reset_after`, so ONNX `linear_before_reset=1`): ONNX `[W, R, B]`. */
export function gruDirection(w: KerasRecurrentWeights, units: number): Float32Array[] {
  if (w.bias.length !== 6 * units) {
    throw new RangeError(
      `GRU with reset_after needs a (2, ${3 * units}) bias, found ${w.bias.length} values`,
    );
  }
  const inputs = w.kernel.length / (3 * units);
  return [
    transposeGates(w.kernel, inputs, units, GRU_ORDER),
    transposeGates(w.recurrent, units, units, GRU_ORDER),
    w.bias.slice(),
  ];
}

/** Concatenates per-direction `[W, R, B]` into the stacked ONNX inputs. */
export function stackDirections(dirs: Float32Array[][]): OnnxRecurrentWeights {
  const cat = (i: number): Float32Array => {
    const out = new Float32Array(dirs.reduce((n, d) => n + d[i].length, 0));
    let at = 0;
    for (const d of dirs) {
      out.set(d[i], at);
      at += d[i].length;
    }
    return out;
  };
  return { W: cat(0), R: cat(1), B: cat(2) };
}
