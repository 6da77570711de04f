import { type DType, Tensor, type TensorData } from "./tensor.ts";

/** Resolves a possibly negative `axis` of a rank-`rank` tensor; `RangeError` when out of range. */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(
      `${fn}: axis ${axis} is out of range for a tensor of rank ${rank} (expected an integer in [${-rank}, ${
        rank - 1
      }])`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Product of `shape[from, to)`. */
export function product(shape: readonly number[], from: number, to: number): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= shape[i];
  return p;
}

/** A new zero-filled typed array of `dtype`. */
export function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

/** Requires `t` to be a Tensor of at least `minRank` dimensions. */
export function requireTensor(fn: string, t: unknown, minRank: number, what = "input"): Tensor {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`${fn}: ${what} must be a Tensor, received ${typeof t}`);
  }
  if (t.rank < minRank) {
    throw new TypeError(
      `${fn}: ${what} must have rank >= ${minRank}, received shape [${t.shape.join(", ")}]`,
    );
  }
  return t;
}
