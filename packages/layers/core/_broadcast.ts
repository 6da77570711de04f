/**
 * For each element of `outShape` (row-major), the flat index of the element of `shape` it reads
 * under broadcasting (equal ranks; a dimension of 1 repeats). `null` when the shapes are equal.
 * Internal to `core/`.
 */
export function broadcastIndex(
  shape: readonly number[],
  outShape: readonly number[],
): Int32Array | null {
  if (shape.length === outShape.length && shape.every((d, i) => d === outShape[i])) return null;
  const rank = outShape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 ? 0 : s;
    s *= shape[d];
  }
  let n = 1;
  for (const d of outShape) n *= d;
  const index = new Int32Array(n);
  const pos = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < n; i++) {
    index[i] = src;
    for (let d = rank - 1; d >= 0; d--) {
      pos[d]++;
      src += strides[d];
      if (pos[d] < outShape[d]) break;
      src -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return index;
}
