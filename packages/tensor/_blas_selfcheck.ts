/**
 * The self-check a BLAS library must pass before Kerno multiplies with it: products whose
 * every partial sum is exact in float32, so the result is known to the bit whatever the
 * library's summation order, with offsets, strides and both `beta`s.
 *
 * @module
 */
import { CBLAS_NO_TRANS, CBLAS_ROW_MAJOR, type Sgemm } from "./_blas_ffi.ts";

interface Case {
  m: number;
  n: number;
  k: number;
  pad: number;
  beta: 0 | 1;
}

const CASES: readonly Case[] = [
  { m: 3, n: 5, k: 4, pad: 2, beta: 0 },
  { m: 4, n: 7, k: 9, pad: 3, beta: 1 },
  // Large enough for the library's blocked kernels (M·N·K > 1e6), not only its small-matrix path.
  { m: 64, n: 160, k: 128, pad: 1, beta: 1 },
];

/** A multiple of 1/4 in [-2, 2]: products and sums of these stay exact in float32. */
function value(i: number, salt: number): number {
  return (((i * 37 + salt * 11) % 17) - 8) / 4;
}

/**
 * Runs the self-check; returns `null` when every product is exact, else one sentence naming the
 * first wrong element (or the gap between rows of C that the library wrote into).
 */
export function selfCheck(sgemm: Sgemm): string | null {
  for (const t of CASES) {
    const failure = runCase(sgemm, t);
    if (failure !== null) return `self-check ${t.m}×${t.k}·${t.k}×${t.n} failed: ${failure}`;
  }
  return null;
}

function runCase(sgemm: Sgemm, { m, n, k, pad, beta }: Case): string | null {
  const lda = k + pad, ldb = n + pad, ldc = n + pad;
  const a = new Float32Array(m * lda).map((_, i) => value(i, 1));
  const b = new Float32Array(k * ldb).map((_, i) => value(i, 2));
  const sentinel = 12345;
  const c = new Float32Array(m * ldc).map((_, i) => (i % ldc < n ? value(i, 3) : sentinel));
  const want = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = beta === 1 ? c[i * ldc + j] : 0;
      for (let p = 0; p < k; p++) s += a[i * lda + p] * b[p * ldb + j];
      want[i * n + j] = s;
    }
  }
  // deno-fmt-ignore
  sgemm(CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_NO_TRANS, m, n, k, 1, a, lda, b, ldb, beta, c, ldc);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = c[i * ldc + j];
      const expected = j < n ? want[i * n + j] : sentinel;
      if (got !== expected) {
        const where = j < n ? `C[${i}, ${j}]` : `the gap after row ${i} of C (ldc=${ldc})`;
        return `${where} is ${got}, expected ${expected}`;
      }
    }
  }
  return null;
}
