/**
 * One guarded `cblas_sgemm` call on float32 views with offsets. A detached view or a null
 * reaches a native library as a NULL pointer and kills the process, so every operand is checked
 * before every call; the sub-views the library needs are kept per operand and reused while the
 * same array and offset come back (no allocation in a step loop).
 *
 * @module
 */
import { CBLAS_NO_TRANS, CBLAS_ROW_MAJOR, type Sgemm } from "./_blas_ffi.ts";
import type { F32 } from "./tensor.ts";

/** The last view made for one operand slot (A, B or C). */
class ViewSlot {
  #source: F32 | null = null;
  #offset = -1;
  #view: F32 | null = null;

  /** `source` from `offset` on, as a view the library can take. */
  at(source: F32, offset: number): F32 {
    if (offset === 0) return source;
    if (source !== this.#source || offset !== this.#offset || this.#view!.byteLength === 0) {
      this.#source = source;
      this.#offset = offset;
      this.#view = source.subarray(offset);
    }
    return this.#view!;
  }
}

const slots = [new ViewSlot(), new ViewSlot(), new ViewSlot()];

const INT32_MAX = 2 ** 31 - 1;

/**
 * `C[m×n] = A[m×k]·B[k×n] + beta·C`, row-major, through `sgemm`; nothing happens when `m` or `n`
 * is 0, and with `k = 0` C is only scaled by `beta` here in JavaScript. Throws a `TypeError`
 * (never calls the library) when an operand is not a live `Float32Array` or is too short.
 */
export function sgemmRows(
  sgemm: Sgemm,
  m: number,
  n: number,
  k: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: F32,
  bOffset: number,
  ldb: number,
  c: F32,
  cOffset: number,
  ldc: number,
  beta: 0 | 1,
): void {
  if (m === 0 || n === 0) return;
  checkOperand("BLAS sgemm", "C", c, cOffset, ldc, m, n);
  if (k === 0) {
    if (beta === 0) {
      for (let i = 0; i < m; i++) c.fill(0, cOffset + i * ldc, cOffset + i * ldc + n);
    }
    return;
  }
  checkOperand("BLAS sgemm", "A", a, aOffset, lda, m, k);
  checkOperand("BLAS sgemm", "B", b, bOffset, ldb, k, n);
  sgemm(
    CBLAS_ROW_MAJOR,
    CBLAS_NO_TRANS,
    CBLAS_NO_TRANS,
    m,
    n,
    k,
    1,
    slots[0].at(a, aOffset),
    lda,
    slots[1].at(b, bOffset),
    ldb,
    beta,
    slots[2].at(c, cOffset),
    ldc,
  );
}

/**
 * Throws a `TypeError` (`caller` first) unless `data` is a live `Float32Array` holding a
 * `rows×cols` matrix at `offset` with row stride `ld`: native code would read a detached or short
 * array as a NULL pointer or past its end, which kills the process.
 */
export function checkOperand(
  caller: string,
  what: string,
  data: F32,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${caller}: ${what} must be a Float32Array, received ${data}`);
  }
  if (data.byteLength === 0) {
    throw new TypeError(
      `${caller}: ${what} is empty or its buffer was detached (did a WebAssembly memory grow?)`,
    );
  }
  const last = offset + (rows - 1) * ld + cols;
  if (
    !Number.isInteger(offset) || offset < 0 || !Number.isInteger(ld) || ld < cols ||
    ld > INT32_MAX || rows > INT32_MAX || cols > INT32_MAX || last > data.length
  ) {
    throw new TypeError(
      `${caller}: ${what} (${rows}×${cols} at offset ${offset}, leading dimension ${ld}) ` +
        `does not fit its array of ${data.length} elements`,
    );
  }
}
