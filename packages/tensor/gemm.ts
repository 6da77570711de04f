import type { F32 } from "./tensor.ts";
import { checkGemmArgs } from "./_gemm_check.ts";
import { kernel1x4, kernel1x8, kernel4x4 } from "./_gemm_kernels.ts";
import { packA, packB } from "./_gemm_pack.ts";
import { scaleOnly, store } from "./_gemm_store.ts";
import { activeWasm, type WasmKernels } from "./_gemm_wasm.ts";
import { wasmBlock } from "./_gemm_wasm_block.ts";
import { f32View, heapAlloc } from "./_gemm_wasm_heap.ts";

/** Rows of op(A) packed per block. */
const MC = 64;
/** Steps of k summed in double precision before a float32 store. Fixed: never depends on m. */
const KC = 256;
/** Columns of op(B) per block. */
const NC = 512;

/** From this many rows, the WebAssembly kernels pay for packing B (below, B is read in place). */
const WASM_ROWS = 8;

let apack = new Float64Array(0);
let bpack: F32 = new Float32Array(0);
const tile = new Float64Array(16);
/** Byte offset of a `KC × NC` block of packed B in the WebAssembly memory (-1: not yet). */
let bHeap = -1;

/**
 * Matrix product on float32 arrays with offsets and leading dimensions, row-major:
 * `C[m×n] = alpha·op(A)·op(B) + beta·C (+ bias[n] added to every row)`.
 *
 * `op(A)` is the `m×k` matrix stored at `a[aOffset + i·lda + p]`, or with `transA` the
 * transpose of the `k×m` matrix at `a[aOffset + p·lda + i]`; likewise `op(B)` (`k×n`, or `n×k`
 * stored when `transB`). With `beta = 0`, C is only written (it may hold NaN). C must not
 * overlap A, B or bias.
 *
 * Blocked for cache (k in blocks of 256, n in blocks of 512, m in blocks of 64) with a 4×4
 * register tile, run as WebAssembly SIMD (two float64 lanes, the same operations) from 8 rows
 * on where it is available, else in JavaScript. Each element of C is summed in double precision over a block of k, in order,
 * and added to C in float32 after each block (so exactly once when `k ≤ 256`). That order is
 * the same for every element whatever `m` is, so a row's result never depends on the other
 * rows of the call: splitting a batch across calls or workers gives identical bits.
 *
 * Throws a `RangeError` when a dimension is negative or fractional, a leading dimension is
 * smaller than its row, or an array is too short for the matrix it should hold.
 *
 * @example (2×3)·(3×2) with a bias
 * ```ts
 * import { gemm } from "@kerno/tensor";
 * const a = new Float32Array([1, 2, 3, 4, 5, 6]);
 * const b = new Float32Array([1, 0, 0, 1, 1, 1]);
 * const c = new Float32Array(4);
 * gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, 1, 0, new Float32Array([10, 20]));
 * // c = [14, 25, 20, 31]
 * ```
 */
export function gemm(
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
  checkGemmArgs("gemm", transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, bias, biasOffset);
  if (m === 0 || n === 0) return;
  if (k === 0) return scaleOnly(m, n, c, cOffset, ldc, beta, bias, biasOffset);
  const ars = transA ? 1 : lda, acs = transA ? lda : 1;
  const brs = transB ? 1 : ldb, bcs = transB ? ldb : 1;
  const wasm = m >= WASM_ROWS ? activeWasm() : null;
  if (wasm !== null && bHeap < 0) bHeap = heapAlloc(4 * KC * NC);
  if (wasm !== null && bHeap >= 0) {
    // deno-fmt-ignore
    return wasmGemm(wasm, m, n, k, a, aOffset, ars, acs, b, bOffset, brs, bcs, c, cOffset, ldc, alpha, beta, bias, biasOffset);
  }
  if (apack.length < MC * KC) apack = new Float64Array(MC * KC);
  const t = tile;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      const first = pc === 0;
      // Whole 4-column panels of a plain B are read in place; the rest is packed.
      const nDirect = transB ? 0 : nc - (nc % 4);
      const bDirect = bOffset + pc * ldb + jc;
      if (nDirect < nc) {
        const need = kc * (nc - nDirect + 3);
        if (bpack.length < need) bpack = new Float32Array(Math.max(need, 4 * KC));
        packB(bpack, b, bOffset, brs, bcs, pc, kc, jc + nDirect, nc - nDirect);
      }
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        const mFull = mc - (mc % 4);
        packA(apack, a, aOffset, ars, acs, ic, mc, pc, kc);
        // Full 4-row tiles.
        for (let jr = 0; jr < nc; jr += 4) {
          const nr = Math.min(4, nc - jr);
          const direct = jr < nDirect;
          const bp = direct ? b : bpack;
          const bi = direct ? bDirect + jr : (jr - nDirect) * kc;
          const bs = direct ? ldb : 4;
          const ci = cOffset + ic * ldc + jc + jr;
          const bo = biasOffset + jc + jr;
          for (let ir = 0; ir < mFull; ir += 4) {
            kernel4x4(kc, apack, ir * kc, bp, bi, bs, t);
            store(t, 0, 4, 4, nr, c, ci + ir * ldc, ldc, first, alpha, beta, bias, bo);
          }
        }
        // Leftover rows, one at a time, 8 columns at a time.
        for (let ir = mFull; ir < mc; ir++) {
          const ai = mFull * kc + (ir - mFull);
          const ci = cOffset + (ic + ir) * ldc + jc;
          let jr = 0;
          for (; jr + 8 <= nDirect; jr += 8) {
            kernel1x8(kc, apack, ai, b, bDirect + jr, bDirect + jr + 4, ldb, t);
            store(t, 0, 8, 1, 8, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jc + jr);
          }
          for (; jr < nc; jr += 4) {
            const nr = Math.min(4, nc - jr);
            const direct = jr < nDirect;
            const bp = direct ? b : bpack;
            const bi = direct ? bDirect + jr : (jr - nDirect) * kc;
            kernel1x4(kc, apack, ai, bp, bi, direct ? ldb : 4, t);
            store(t, 0, 4, 1, nr, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jc + jr);
          }
        }
      }
    }
  }
}

/** {@linkcode gemm}'s blocks on the WebAssembly kernels, each block of B packed at `bHeap`. */
function wasmGemm(
  wasm: WasmKernels,
  m: number,
  n: number,
  k: number,
  a: F32,
  aOffset: number,
  ars: number,
  acs: number,
  b: F32,
  bOffset: number,
  brs: number,
  bcs: number,
  c: F32,
  cOffset: number,
  ldc: number,
  alpha: number,
  beta: number,
  bias: F32 | undefined,
  biasOffset: number,
): void {
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(f32View(), b, bOffset, brs, bcs, pc, kc, jc, nc, bHeap / 4);
      // deno-fmt-ignore
      wasmBlock(wasm, bHeap, 16 * kc, m, kc, nc, a, aOffset, ars, acs, pc, c, cOffset + jc, ldc, pc === 0, alpha, beta, bias, biasOffset + jc);
    }
  }
}
