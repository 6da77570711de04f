/**
 * Which generated code runs a product of the BLAS backend, per weight matrix and row count:
 * whole products in AVX-512 code ({@linkcode NativeGemm}) where the CPU has it (faster than
 * OpenBLAS on every recurrent shape measured, k = 16 to 640: whole W1, W2, W3 runs 4.9%, 1.8%,
 * 2.4% faster than with the library's products for k ≤ 40, paired in one process), else one-row
 * products in AVX2 code ({@linkcode NativeRows}) for products of a few rows, else the library.
 * All three give the same bits for every row (the k partition is the library's, found once), so
 * the choice can follow speed alone.
 *
 * @module
 */
import { nativeSupport } from "./_native_exec.ts";
import { NativeGemm } from "./_native_gemm.ts";
import { type NativeProduct, NativeRows, probeNative } from "./_native_rows.ts";
import type { Sgemm } from "./_blas_ffi.ts";
import type { F32 } from "./tensor.ts";

/**
 * The most rows a product runs as one-row code, which reads all of B for each row: 2 while B
 * fits in 512 KB (there OpenBLAS's small-matrix path, which does not repack B, is as fast from
 * 3 rows on: LSTM(128) steps of 1/2/3/4 rows took 4.5, 6.2, 9.8, 14.8 µs in one-row code against
 * 7.0, 7.1, 10.7, 8.2 on the library), else 6 (the library repacks a large B at every call:
 * LSTM(512) 88, 142, 267, 384 µs at 1, 2, 4, 6 rows against 372, 490, 510, 586; 8 rows 492
 * against 558, 12 rows 740 against 449).
 */
export function oneRowLimit(k: number, n: number): number {
  return 4 * k * n <= 512 * 1024 ? 2 : 6;
}

/** The generated products of one weight matrix, all summing k in the same blocks. */
export class NativeKernels {
  /** Rows of B. */
  readonly k: number;
  /** Columns of B. */
  readonly n: number;
  /** The library's k blocks. */
  readonly blocks: readonly number[];
  readonly #gemm: NativeGemm | null;
  #rows: NativeRows | null;
  readonly #make: () => NativeRows;

  /** Kernels for B, from the probe's winner (`gemm` on AVX-512, else `rows`). */
  constructor(
    k: number,
    n: number,
    blocks: readonly number[],
    gemm: NativeGemm | null,
    rows: NativeRows | null,
    makeRows: () => NativeRows,
  ) {
    this.k = k;
    this.n = n;
    this.blocks = blocks;
    this.#gemm = gemm;
    this.#rows = rows;
    this.#make = makeRows;
  }

  /** The code for a product of `m` rows, or `null` when the library is faster there. */
  product(m: number): NativeProduct | null {
    if (this.#gemm !== null) return this.#gemm;
    if (m > oneRowLimit(this.k, this.n)) return null;
    return this.#rows ??= this.#make();
  }
}

/**
 * Generated products for B (`k×n`, row `p` at `b[bOffset + p·ldb]`) that reproduce the rows of
 * `sgemm` (in products of at least `minRows` rows), or why there are none. `b` must keep these
 * values while the kernels are used (one-row code is made from it on first need).
 */
export function probeNativeKernels(
  sgemm: Sgemm,
  k: number,
  n: number,
  b: F32,
  bOffset: number,
  ldb: number,
  minRows: number,
): NativeKernels | string {
  const support = nativeSupport();
  if (!("ok" in support)) return support.reason;
  const rowsOf = (blocks: readonly number[]) => new NativeRows(k, n, b, bOffset, ldb, blocks);
  if (support.avx512) {
    const gemm = probeNative(
      sgemm,
      k,
      n,
      b,
      bOffset,
      ldb,
      minRows,
      (blocks) => new NativeGemm(k, n, b, bOffset, ldb, blocks),
    );
    if (typeof gemm === "string") return gemm;
    return new NativeKernels(k, n, gemm.blocks, gemm, null, () => rowsOf(gemm.blocks));
  }
  const rows = probeNative(sgemm, k, n, b, bOffset, ldb, minRows, rowsOf);
  if (typeof rows === "string") return rows;
  return new NativeKernels(k, n, rows.blocks, null, rows, () => rows);
}
