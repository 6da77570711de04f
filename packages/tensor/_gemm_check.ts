import type { F32 } from "./tensor.ts";

/** Throws a `RangeError` unless `value` is a non-negative integer. */
export function checkDim(name: string, value: number, fn: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, received ${value}`);
  }
}

/**
 * Throws unless `data` is a Float32Array holding a `rows × cols` matrix at `offset` with row
 * stride `ld` (a `TypeError` for the type, a `RangeError` for offsets, strides and lengths).
 */
export function checkMatrix(
  fn: string,
  what: string,
  data: F32,
  offset: number,
  ld: number,
  rows: number,
  cols: number,
  ldName: string,
): void {
  if (!(data instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${what} must be a Float32Array, received ${typeof data}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new RangeError(
      `${fn}: the offset of ${what} must be a non-negative integer, received ${offset}`,
    );
  }
  if (!Number.isInteger(ld) || ld < cols) {
    throw new RangeError(
      `${fn}: ${ldName} must be an integer >= ${cols} (the row length of ${what}), received ${ld}`,
    );
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols - 1;
  if (last >= data.length) {
    throw new RangeError(
      `${fn}: ${what} is too short: a ${rows}×${cols} matrix at offset ${offset} with ${ldName}=${ld} ` +
        `reaches index ${last}, but the array has ${data.length} elements`,
    );
  }
}

/** Validates the arguments shared by `gemm` and `gemmNaive`; throws a `RangeError` or `TypeError`. */
export function checkGemmArgs(
  fn: string,
  transA: boolean,
  transB: boolean,
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
  bias: F32 | undefined,
  biasOffset: number,
): void {
  checkDim("m", m, fn);
  checkDim("n", n, fn);
  checkDim("k", k, fn);
  checkMatrix(
    fn,
    transA ? "A (k×m, transA)" : "A (m×k)",
    a,
    aOffset,
    lda,
    transA ? k : m,
    transA ? m : k,
    "lda",
  );
  checkMatrix(
    fn,
    transB ? "B (n×k, transB)" : "B (k×n)",
    b,
    bOffset,
    ldb,
    transB ? n : k,
    transB ? k : n,
    "ldb",
  );
  checkMatrix(fn, "C (m×n)", c, cOffset, ldc, m, n, "ldc");
  if (bias === undefined) return;
  if (!(bias instanceof Float32Array)) {
    throw new TypeError(`${fn}: bias must be a Float32Array, received ${typeof bias}`);
  }
  if (!Number.isInteger(biasOffset) || biasOffset < 0 || biasOffset + n > bias.length) {
    throw new RangeError(
      `${fn}: bias needs n=${n} values from offset ${biasOffset}, but the array has ${bias.length} elements`,
    );
  }
}
