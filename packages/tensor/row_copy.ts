/**
 * Strided row copies, the store of a recurrent layer's returned sequence.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

/**
 * Copies `rows` rows of `width` floats, row `r` from `src` at `srcOffset + r·srcStride` to `dst`
 * at `dstOffset + r·dstStride`, in JavaScript, element by element (a signalling NaN may come out
 * quiet), allocating nothing.
 */
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

/** Rows up to which a {@linkcode RowSource} keeps a view of each (beyond, it copies in a loop). */
const MAX_VIEWED_ROWS = 4096;

/**
 * The rows of a matrix that are copied out again and again, such as a recurrent layer's output
 * state at every step. Made once, it keeps a view of each row, so that
 * {@linkcode RowSource.copyTo} is one `TypedArray.set` a row (a `memmove`: the bits are copied,
 * and nothing is allocated) instead of a loop over the floats, which reads and writes each as a
 * number (W3's 256 rows of 64 floats a step: 1.6–2.0 ns a float in the loop, 0.4–0.5 with the
 * views). It also beat `rep movsb` in generated code, one native call a step, which the BLAS
 * backend used before (W3, 256 rows, one thread, BLAS: 24.2–26.1 ms a call against 33.4–52.1
 * with a fresh output each call, 26.6–27.7 against 27.0–30.3 into a kept one).
 *
 * @example
 * ```ts
 * import { RowSource } from "@kerno/tensor";
 * const h = new Float32Array([1, 2, 3, 4]);
 * const rows = new RowSource(h, 0, 2, 2, 2);
 * const dst = new Float32Array(8);
 * rows.copyTo(dst, 1, 4);
 * dst; // Float32Array(8) [0, 1, 2, 0, 0, 3, 4, 0]
 * ```
 */
export class RowSource {
  readonly #src: F32;
  readonly #offset: number;
  readonly #stride: number;
  readonly #rows: number;
  readonly #width: number;
  #views: F32[] | null = null;

  /** Rows `r < rows` of `width` floats at `src[offset + r·stride]`. */
  constructor(src: F32, offset: number, stride: number, rows: number, width: number) {
    this.#src = src;
    this.#offset = offset;
    this.#stride = stride;
    this.#rows = rows;
    this.#width = width;
  }

  /**
   * Copies the rows to `dst`, row `r` at `dstOffset + r·dstStride`. A destination too short
   * for the last row, or a source whose buffer was detached, throws before anything is copied.
   */
  copyTo(dst: F32, dstOffset: number, dstStride: number): void {
    const rows = this.#rows, width = this.#width;
    if (rows === 0 || width === 0) return;
    const end = dstOffset + (rows - 1) * dstStride + width;
    if (dstOffset < 0 || dstStride < 0 || end > dst.length) {
      throw new RangeError(
        `row copy: destination (${rows}×${width} at offset ${dstOffset}, stride ${dstStride}) ` +
          `does not fit its array of ${dst.length} elements`,
      );
    }
    this.#checkSource();
    if (rows > MAX_VIEWED_ROWS) {
      copyRowsPlain(dst, dstOffset, dstStride, this.#src, this.#offset, this.#stride, rows, width);
      return;
    }
    const views = this.#rowViews();
    let d = dstOffset;
    for (let r = 0; r < rows; r++, d += dstStride) dst.set(views[r], d);
  }

  /** The views of the rows, made at the first copy. */
  #rowViews(): F32[] {
    const src = this.#src, width = this.#width;
    this.#views ??= Array.from({ length: this.#rows }, (_, r) => {
      const at = this.#offset + r * this.#stride;
      return src.subarray(at, at + width);
    });
    return this.#views;
  }

  /** Throws when the source's last row does not fit its array (or the array was detached). */
  #checkSource(): void {
    const src = this.#src, rows = this.#rows, width = this.#width;
    if (src.length === 0) {
      throw new TypeError("row copy: source is empty or its buffer was detached");
    }
    const end = this.#offset + (rows - 1) * this.#stride + width;
    if (this.#offset < 0 || this.#stride < 0 || end > src.length) {
      throw new RangeError(
        `row copy: source (${rows}×${width} at offset ${this.#offset}, stride ${this.#stride}) ` +
          `does not fit its array of ${src.length} elements`,
      );
    }
  }
}
