/**
 * Strided row copies, the store of a recurrent layer's returned sequence.
 *
 * @module
 */
import { copyRowsNative } from "./_native_copy.ts";
import { blasSelected } from "./blas.ts";
import type { F32 } from "./tensor.ts";

/** Floats under which a copy stays in JavaScript: the native call's fixed cost is not worth it. */
const NATIVE_MIN_FLOATS = 256;

/**
 * Copies `rows` rows of `width` floats: row `r` from `src` at `srcOffset + r·srcStride` to
 * `dst` at `dstOffset + r·dstStride`. On the BLAS backend (see `useBlas`) it runs in generated
 * code where that can run, which copies the bits; elsewhere in JavaScript, which copies the values
(a signalling NaN may come out quiet).
 *
 * @example
 * ```ts
 * import { copyRows } from "@kerno/tensor";
 * const dst = new Float32Array(8);
 * copyRows(dst, 1, 4, new Float32Array([1, 2, 3, 4]), 0, 2, 2, 2);
 * dst; // Float32Array(8) [0, 1, 2, 0, 0, 3, 4, 0]
 * ```
 */
export function copyRows(
  dst: F32,
  dstOffset: number,
  dstStride: number,
  src: F32,
  srcOffset: number,
  srcStride: number,
  rows: number,
  width: number,
): void {
  if (
    rows * width >= NATIVE_MIN_FLOATS && blasSelected() &&
    copyRowsNative(dst, dstOffset, dstStride, src, srcOffset, srcStride, rows, width)
  ) {
    return;
  }
  copyRowsPlain(dst, dstOffset, dstStride, src, srcOffset, srcStride, rows, width);
}

/** {@linkcode copyRows} in JavaScript, element by element, allocating nothing. */
export function copyRowsPlain(
  dst: F32,
  dstOffset: number,
  dstStride: number,
  src: F32,
  srcOffset: number,
  srcStride: number,
  rows: number,
  width: number,
): void {
  let d = dstOffset, s = srcOffset;
  for (let r = 0; r < rows; r++, d += dstStride, s += srcStride) {
    for (let j = 0; j < width; j++) dst[d + j] = src[s + j];
  }
}
