import { type DType, Tensor, type TensorData } from "@kerno/tensor";
import type { SymbolicTensor } from "@kerno/layers";

function rowSize(t: Tensor): number {
  let size = 1;
  for (let i = 1; i < t.shape.length; i++) size *= t.shape[i];
  return size;
}

/** Rows `[start, end)` of a tensor along axis 0, as a view (no copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  if (start === 0 && end === t.shape[0]) return t;
  const n = rowSize(t);
  return new Tensor(t.data.subarray(start * n, end * n) as TensorData, [
    end - start,
    ...t.shape.slice(1),
  ]);
}

/** The typed array an output of `dtype` is held in. */
function arrayTypeOf(dtype: DType): string {
  return dtype === "float32" ? "Float32Array" : dtype === "int32" ? "Int32Array" : "Uint8Array";
}

/**
 * Checks a predict call's `into` against the model's outputs before any work: one entry per
 * output, each `null` or an array of the output's element type, of `rows` × the row size when
 * that is known. Returns one entry per output.
 */
export function checkInto(
  model: string,
  outputs: readonly SymbolicTensor[],
  rows: number,
  into: readonly (TensorData | null)[] | undefined,
): (TensorData | null)[] {
  if (into === undefined) return outputs.map(() => null);
  if (!Array.isArray(into) || into.length !== outputs.length) {
    throw new TypeError(
      `Model "${model}": predict() option \`into\` must list ${outputs.length} array(s) (one per ` +
        `output, null to skip one), received ${Array.isArray(into) ? into.length : typeof into}`,
    );
  }
  return outputs.map((t, i) => {
    const dest = into[i] ?? null;
    if (dest === null) return null;
    const want = arrayTypeOf(t.dtype);
    if (dest.constructor.name !== want) {
      throw new TypeError(
        `Model "${model}": into[${i}] must be a ${want} for output ${i} (${t.dtype}), ` +
          `received ${dest.constructor.name}`,
      );
    }
    const tail = t.shape.slice(1);
    if (tail.every((d) => d !== null)) {
      const n = rows * (tail as number[]).reduce((a, b) => a * b, 1);
      if (dest.length !== n) {
        throw new RangeError(
          `Model "${model}": into[${i}] must hold ${n} values for output ${i} of shape (${
            [rows, ...tail].join(", ")
          }), received ${dest.length}`,
        );
      }
    }
    return dest;
  });
}

/** Rows `[start, end)` of `dest`, an array of `rows` equal rows (a view), or null. */
export function rowsOf(
  dest: TensorData | null,
  start: number,
  end: number,
  rows: number,
): TensorData | null {
  if (dest === null) return null;
  const per = dest.length / rows;
  return dest.subarray(start * per, end * per) as TensorData;
}

/**
 * Puts output `index` of one batch, `y`, where the caller asked (`dest`): as it is when the
 * layer already wrote it there, else copied in. Returns the tensor over `dest` (or `y`).
 */
export function placeOutput(
  model: string,
  index: number,
  y: Tensor,
  dest: TensorData | null,
): Tensor {
  if (dest === null || y.data === dest) return y;
  if (y.data.length !== dest.length || y.data.constructor !== dest.constructor) {
    throw new TypeError(
      `Model "${model}": output ${index} of shape [${y.shape.join(", ")}] (${y.dtype}) does not ` +
        `fit the ${dest.length} values of its ${dest.constructor.name} destination`,
    );
  }
  dest.set(y.data);
  return new Tensor(dest, y.shape);
}

/** A tensor of `rows` rows shaped like `first`'s rows, with `first` copied into its first rows. */
export function growRows(first: Tensor, rows: number): Tensor {
  const out = Tensor.zeros([rows, ...first.shape.slice(1)], first.dtype);
  out.data.set(first.data);
  return out;
}

/** The tensor converted to `dtype` (float to int truncates toward zero; bool is `x != 0`). */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = Tensor.zeros(t.shape, dtype);
  const src = t.data;
  const dst = out.data;
  if (dtype === "bool") {
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else if (dtype === "int32") {
    for (let i = 0; i < src.length; i++) dst[i] = Math.trunc(src[i]);
  } else {
    for (let i = 0; i < src.length; i++) dst[i] = src[i];
  }
  return out;
}
