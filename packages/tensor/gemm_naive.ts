import type { F32 } from "./tensor.ts";
import { checkGemmArgs } from "./_gemm_check.ts";

/**
 * The reference matrix product: a plain triple loop, kept as the oracle of {@linkcode gemm}.
 *
 * Computes, row-major, `C[m×n] = alpha·op(A)·op(B) + beta·C (+ bias[n] on every row)`, where
 * `op(A)` is `A` (`m×k`, row stride `lda`) or, when `transA`, the transpose of the stored `k×m`
 * matrix; the same for `op(B)` (`k×n`). Each element is summed in double precision over the
 * whole of `k`, in order, and rounded to float32 once. With `beta = 0`, `C` is not read, so it
 * may hold anything (NaN included).
 *
 * @example
 * ```ts
 * import { gemmNaive } from "@kerno/tensor";
 * const a = new Float32Array([1, 2, 3, 4]); // 2×2
 * const b = new Float32Array([5, 6, 7, 8]); // 2×2
 * const c = new Float32Array(4);
 * gemmNaive(false, false, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2);
 * // c = [19, 22, 43, 50]
 * ```
 */
export function gemmNaive(
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
  alpha = 1,
  beta = 0,
  bias?: F32,
  biasOffset = 0,
): void {
  // deno-fmt-ignore
  checkGemmArgs("gemmNaive", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, bias, biasOffset);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
        const bv = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
        sum += av * bv;
      }
      const ci = cOffset + i * ldc + j;
      let v = alpha * sum;
      if (beta !== 0) v += beta * c[ci];
      if (bias !== undefined) v += bias[biasOffset + j];
      c[ci] = v;
    }
  }
}
