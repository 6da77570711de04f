/**
 * The loops of {@linkcode gemmPacked} on the JavaScript kernels (the fallback where
 * WebAssembly SIMD is unavailable; `_gemm_wasm_block.ts` runs the same blocks in the same order
 * on the SIMD kernels).
 *
 * Rows go four at a time through 4×4 tiles (A packed in blocks of 64 rows, in float64); the
 * rows left over, and a batch of 1 to 3 rows, go one at a time through the row kernels. Each
 * element is summed over blocks of 256 steps of k and folded into C after each block.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { packA } from "./_gemm_pack.ts";
import { kernel4x4 } from "./_gemm_kernels.ts";
import { kernelRow12, kernelRow4 } from "./_gemm_packed_kernels.ts";
import { store } from "./_gemm_store.ts";

/** Rows of A packed per block (multiple of 4). */
const MC = 64;
/** Steps of k summed in double precision before a float32 store: the same blocks as `gemm`. */
const KC = 256;

const apack = new Float64Array(MC * KC);
const tile = new Float64Array(16);

/** `C = alpha·A·B + beta·C (+ bias)` with the JavaScript kernels; `bp` holds B's panels. */
export function jsProduct(
  m: number,
  k: number,
  n: number,
  a: F32,
  aOffset: number,
  lda: number,
  bp: F32,
  c: F32,
  cOffset: number,
  ldc: number,
  alpha: number,
  beta: number,
  bias: F32 | undefined,
  biasOffset: number,
): void {
  const t = tile;
  const m4 = m - (m % 4);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    const first = pc === 0;
    for (let ic = 0; ic < m4; ic += MC) {
      const mc = Math.min(MC, m4 - ic);
      packA(apack, a, aOffset, lda, 1, ic, mc, pc, kc);
      for (let jr = 0; jr < n; jr += 4) {
        const nr = Math.min(4, n - jr);
        const bi = jr * k + 4 * pc;
        const ci = cOffset + ic * ldc + jr;
        const bo = biasOffset + jr;
        for (let ir = 0; ir < mc; ir += 4) {
          kernel4x4(kc, apack, ir * kc, bp, bi, 4, t);
          store(t, 0, 4, 4, nr, c, ci + ir * ldc, ldc, first, alpha, beta, bias, bo);
        }
      }
    }
    for (let i = m4; i < m; i++) {
      const ai = aOffset + i * lda + pc;
      const ci = cOffset + i * ldc;
      let jr = 0;
      for (; jr + 12 <= n; jr += 12) {
        kernelRow12(kc, a, ai, bp, jr * k + 4 * pc, 4 * k, t);
        store(t, 0, 12, 1, 12, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jr);
      }
      for (; jr < n; jr += 4) {
        kernelRow4(kc, a, ai, bp, jr * k + 4 * pc, t);
        const nr = Math.min(4, n - jr);
        store(t, 0, 4, 1, nr, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jr);
      }
    }
  }
}
