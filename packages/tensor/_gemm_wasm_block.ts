/**
 * One block of k of a product on the WebAssembly SIMD kernels, shared by {@linkcode gemm} and
 * {@linkcode gemmPacked}: the same tiles in the same order as their JavaScript loops, so the
 * same bits. A is packed into the WebAssembly memory (`A_PACK` is its start, so `packA` writes
 * from index 0); the kernels leave their sums at `SUMS`; `store` folds them into C.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { packA } from "./_gemm_pack.ts";
import { store } from "./_gemm_store.ts";
import type { WasmKernels } from "./_gemm_wasm.ts";
import { A_PACK, A_ROW, f64View, SUMS } from "./_gemm_wasm_heap.ts";

/** Rows of A packed per block (multiple of 4). */
const MC = 64;
/** Columns per call of the row kernel (its sums fill the 8 KB at `SUMS`). */
const ROW_COLS = 1024;

/**
 * Steps `[pc, pc + kc)` of `C[m×n] (+)= alpha·op(A)·B`: element `(i, p)` of op(A) is at
 * `a[aOffset + i·ars + p·acs]`. B is 4-column float32 panels in the WebAssembly memory: the
 * block's first step of the first panel at byte `bOffset`, the next panel `bStride` bytes
 * further. `first` is the first block of k (beta and bias are folded in there; later blocks add
 * to C).
 */
export function wasmBlock(
  kern: WasmKernels,
  bOffset: number,
  bStride: number,
  m: number,
  kc: number,
  n: number,
  a: F32,
  aOffset: number,
  ars: number,
  acs: number,
  pc: number,
  c: F32,
  cOffset: number,
  ldc: number,
  first: boolean,
  alpha: number,
  beta: number,
  bias: F32 | undefined,
  biasOffset: number,
): void {
  const f64 = f64View(); // nothing allocates in the memory during the product
  const sums = SUMS / 8;
  const row = A_ROW / 8;
  const m4 = m - (m % 4);
  for (let ic = 0; ic < m4; ic += MC) {
    const mc = Math.min(MC, m4 - ic);
    packA(f64, a, aOffset, ars, acs, ic, mc, pc, kc);
    // Four panels (16 columns: a cache line of each row of C) before storing, row by row.
    for (let j0 = 0; j0 < n; j0 += 16) {
      const panels = Math.min(4, Math.ceil((n - j0) / 4));
      for (let q = 0; q < panels; q++) {
        kern.panel(mc >> 2, kc, A_PACK, bOffset + ((j0 >> 2) + q) * bStride, SUMS + 32 * q * mc);
      }
      for (let ir = 0; ir < mc; ir += 4) {
        const ci = cOffset + (ic + ir) * ldc;
        for (let q = 0, j = j0; q < panels; q++, j += 4) {
          const nr = Math.min(4, n - j);
          // deno-fmt-ignore
          store(f64, sums + 4 * (q * mc + ir), 4, 4, nr, c, ci + j, ldc, first, alpha, beta, bias, biasOffset + j);
        }
      }
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = aOffset + i * ars + pc * acs;
    for (let p = 0; p < kc; p++) f64[row + p] = a[ai + p * acs];
    for (let j0 = 0; j0 < n; j0 += ROW_COLS) {
      const cols = Math.min(ROW_COLS, n - j0);
      const bj = bOffset + (j0 >> 2) * bStride;
      kern.row(kc, A_ROW, bj, bStride, Math.ceil(cols / 4), SUMS);
      const ci = cOffset + i * ldc + j0;
      store(f64, sums, 0, 1, cols, c, ci, ldc, first, alpha, beta, bias, biasOffset + j0);
    }
  }
}
