import { Tensor } from "./tensor.ts";
import { allocate, normalizeAxis, product, requireTensor } from "./_shape_util.ts";

/**
 * Joins tensors of the same dtype and rank along `axis` (negative counts from the end). All
 * other dimensions must match.
 *
 * @example
 * ```ts
 * import { concat, tensor } from "@kerno/tensor";
 * concat([tensor([[1, 2]]), tensor([[3]])], -1).toArray(); // [[1, 2, 3]]
 * ```
 */
export function concat(ts: readonly Tensor[], axis: number): Tensor {
  if (!Array.isArray(ts) || ts.length === 0) {
    throw new TypeError("concat: expected a non-empty array of tensors, received none");
  }
  const first = requireTensor("concat", ts[0], 1, "tensor 0");
  const rank = first.rank;
  const ax = normalizeAxis("concat", axis, rank);
  let total = 0;
  ts.forEach((item, i) => {
    const t = requireTensor("concat", item, 1, `tensor ${i}`);
    if (t.dtype !== first.dtype) {
      throw new TypeError(`concat: tensor ${i} is ${t.dtype}, but tensor 0 is ${first.dtype}`);
    }
    const ok = t.rank === rank && t.shape.every((d, j) => j === ax || d === first.shape[j]);
    if (!ok) {
      throw new TypeError(
        `concat: tensor ${i} has shape [${t.shape.join(", ")}], incompatible with [${
          first.shape.join(", ")
        }] along axis ${ax} (all dimensions but the axis must match)`,
      );
    }
    total += t.shape[ax];
  });
  const shape = [...first.shape];
  shape[ax] = total;
  const outer = product(shape, 0, ax);
  const inner = product(shape, ax + 1, rank);
  const out = allocate(first.dtype, outer * total * inner);
  let at = 0;
  for (const t of ts as readonly Tensor[]) {
    const chunk = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++) {
      out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + at);
    }
    at += chunk;
  }
  return new Tensor(out, shape);
}

/**
 * Cuts `t` along `axis` into pieces of the given sizes, which must sum to that dimension.
 *
 * @example
 * ```ts
 * import { split, tensor } from "@kerno/tensor";
 * const [a, b] = split(tensor([[1, 2, 3]]), [1, 2], 1); // [[1]] and [[2, 3]]
 * ```
 */
export function split(t: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  requireTensor("split", t, 1);
  const ax = normalizeAxis("split", axis, t.rank);
  const dim = t.shape[ax];
  let sum = 0;
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(
        `split: sizes must be non-negative integers, received [${sizes.join(", ")}]`,
      );
    }
    sum += s;
  }
  if (sum !== dim) {
    throw new RangeError(
      `split: sizes [${sizes.join(", ")}] sum to ${sum}, but axis ${ax} of shape [${
        t.shape.join(", ")
      }] has ${dim}`,
    );
  }
  const begin = t.shape.map(() => 0);
  const size = [...t.shape];
  return sizes.map((s) => {
    size[ax] = s;
    const piece = slice(t, begin, size);
    begin[ax] += s;
    return piece;
  });
}

/**
 * Copies the block of `t` that starts at `begin` with extent `size` per axis; a size of -1
 * means "to the end of that axis".
 *
 * @example
 * ```ts
 * import { slice, tensor } from "@kerno/tensor";
 * slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]).toArray(); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(t: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  requireTensor("slice", t, 0);
  const rank = t.rank;
  if (begin.length !== rank || size.length !== rank) {
    throw new RangeError(
      `slice: begin [${begin.join(", ")}] and size [${
        size.join(", ")
      }] must both have ${rank} entries, one per axis of shape [${t.shape.join(", ")}]`,
    );
  }
  const extent = size.map((s, i) => (s === -1 ? t.shape[i] - begin[i] : s));
  for (let i = 0; i < rank; i++) {
    const b = begin[i], s = extent[i];
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > t.shape[i]) {
      throw new RangeError(
        `slice: begin ${b} with size ${size[i]} does not fit axis ${i} of length ${
          t.shape[i]
        } (shape [${t.shape.join(", ")}])`,
      );
    }
  }
  const out = allocate(t.dtype, product(extent, 0, rank));
  if (out.length === 0) return new Tensor(out, extent);
  // Copy runs along the last axis; iterate the outer axes like an odometer.
  const strides = t.shape.map((_, i) => product(t.shape, i + 1, rank));
  const run = rank === 0 ? 1 : extent[rank - 1];
  const idx = new Array(Math.max(rank - 1, 0)).fill(0);
  for (let o = 0; o < out.length; o += run) {
    let src = rank === 0 ? 0 : begin[rank - 1];
    for (let i = 0; i < rank - 1; i++) src += (begin[i] + idx[i]) * strides[i];
    out.set(t.data.subarray(src, src + run), o);
    for (let i = rank - 2; i >= 0; i--) {
      if (++idx[i] < extent[i]) break;
      idx[i] = 0;
    }
  }
  return new Tensor(out, extent);
}

/**
 * Reverses axis 1 (time, for `[batch, timesteps, …]` data). Needs rank ≥ 2.
 *
 * @example
 * ```ts
 * import { reverseTime, tensor } from "@kerno/tensor";
 * reverseTime(tensor([[1, 2, 3]])).toArray(); // [[3, 2, 1]]
 * ```
 */
export function reverseTime(t: Tensor): Tensor {
  requireTensor("reverseTime", t, 2);
  const [batch, steps] = t.shape;
  const inner = product(t.shape, 2, t.rank);
  const out = allocate(t.dtype, t.size);
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < steps; s++) {
      const src = (b * steps + s) * inner;
      out.set(t.data.subarray(src, src + inner), (b * steps + steps - 1 - s) * inner);
    }
  }
  return new Tensor(out, t.shape);
}

/**
 * Swaps axes 0 and 1: `[batch, timesteps, …]` ↔ `[timesteps, batch, …]`. Needs rank ≥ 2.
 *
 * @example
 * ```ts
 * import { swapBatchTime, tensor } from "@kerno/tensor";
 * swapBatchTime(tensor([[1, 2, 3]])).shape; // [3, 1]
 * ```
 */
export function swapBatchTime(t: Tensor): Tensor {
  requireTensor("swapBatchTime", t, 2);
  const [d0, d1] = t.shape;
  const inner = product(t.shape, 2, t.rank);
  const out = allocate(t.dtype, t.size);
  for (let i = 0; i < d0; i++) {
    for (let j = 0; j < d1; j++) {
      const src = (i * d1 + j) * inner;
      out.set(t.data.subarray(src, src + inner), (j * d0 + i) * inner);
    }
  }
  const shape = [...t.shape];
  shape[0] = d1;
  shape[1] = d0;
  return new Tensor(out, shape);
}
