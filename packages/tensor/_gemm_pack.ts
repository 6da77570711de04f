/**
 * Packing of gemm operands into the layouts the micro-kernels read (see `_gemm_kernels.ts`).
 * Element `(i, p)` of `op(X)` sits at `x[off + i·rs + p·cs]`, so one routine serves both the
 * plain and the transposed storage. Missing rows or columns of an edge panel are zero-filled.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

/**
 * Packs rows `[i0, i0+mc)` × steps `[p0, p0+kc)` of op(A) into `ap` as 4-row panels:
 * panel `s` starts at `s·4·kc`, element `(4s + r, p)` at `s·4·kc + 4p + r`.
 */
export function packA(
  ap: Float64Array,
  a: F32,
  off: number,
  rs: number,
  cs: number,
  i0: number,
  mc: number,
  p0: number,
  kc: number,
): void {
  let o = 0;
  for (let ir = 0; ir < mc; ir += 4) {
    for (let r = 0; r < 4; r++) {
      if (ir + r < mc) {
        let src = off + (i0 + ir + r) * rs + p0 * cs;
        for (let p = 0, d = o + r; p < kc; p++, d += 4, src += cs) ap[d] = a[src];
      } else {
        for (let p = 0, d = o + r; p < kc; p++, d += 4) ap[d] = 0;
      }
    }
    o += 4 * kc;
  }
}

/**
 * Packs steps `[p0, p0+kc)` × columns `[j0, j0+nc)` of op(B) into `bp` (from index `d0`) as
 * 4-column panels: panel `s` starts at `d0 + s·4·kc`, element `(p, 4s + q)` at
 * `d0 + s·4·kc + 4p + q`.
 */
export function packB(
  bp: F32,
  b: F32,
  off: number,
  rs: number,
  cs: number,
  p0: number,
  kc: number,
  j0: number,
  nc: number,
  d0 = 0,
): void {
  let o = d0;
  for (let jr = 0; jr < nc; jr += 4) {
    for (let q = 0; q < 4; q++) {
      if (jr + q < nc) {
        let src = off + p0 * rs + (j0 + jr + q) * cs;
        for (let p = 0, d = o + q; p < kc; p++, d += 4, src += rs) bp[d] = b[src];
      } else {
        for (let p = 0, d = o + q; p < kc; p++, d += 4) bp[d] = 0;
      }
    }
    o += 4 * kc;
  }
}
