/**
 * How a set of axes splits a row-major shape: `outer` × `size` × `inner` elements when the axes
 * form one contiguous block (the common case: the last axis, or one channel axis).
 * Internal to `normalization/`.
 */
export interface AxisBlock {
  /** Product of the sizes before the block. */
  outer: number;
  /** Product of the sizes in the block. */
  size: number;
  /** Product of the sizes after the block. */
  inner: number;
}

/** The block of `axes` (sorted, non-negative) in `shape`, or null when they are not contiguous. */
export function axisBlock(shape: readonly number[], axes: readonly number[]): AxisBlock | null {
  for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  const product = (from: number, to: number) => {
    let p = 1;
    for (let d = from; d < to; d++) p *= shape[d];
    return p;
  };
  return {
    outer: product(0, first),
    size: product(first, last + 1),
    inner: product(last + 1, shape.length),
  };
}
