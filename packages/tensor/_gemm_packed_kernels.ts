/**
 * Row micro-kernels of {@linkcode gemmPacked} (its 4×4 tiles use `kernel4x4` of
 * `_gemm_kernels.ts` with a row step of 4). B comes as the 4-column panels of a
 * {@linkcode PackedMatrix} (`bp[bi + 4p + q]`; the next panel is `4k` further); the row of A is
 * read in place. Each kernel sums `a·b` products over `kc` steps of `k`, in order, from zero,
 * in double precision, exactly as the kernels of `_gemm_kernels.ts` do, so every element gets
 * the same bits whichever kernel (and whichever product, `gemm` or `gemmPacked`) computed it.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

/**
 * 1 row × 12 columns (three panels, at `bi`, `bi + s`, `bi + 2s`); the row of A is read in
 * place (`a[ai + p]`). Sums go to `t[0..12)`.
 */
export function kernelRow12(
  kc: number,
  a: F32,
  ai: number,
  bp: F32,
  bi: number,
  s: number,
  t: Float64Array,
): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0;
  let c6 = 0, c7 = 0, c8 = 0, c9 = 0, c10 = 0, c11 = 0;
  let bj = bi + s, bk = bi + 2 * s;
  for (const end = ai + kc; ai < end; ai++) {
    const x = a[ai];
    c0 += x * bp[bi];
    c1 += x * bp[bi + 1];
    c2 += x * bp[bi + 2];
    c3 += x * bp[bi + 3];
    c4 += x * bp[bj];
    c5 += x * bp[bj + 1];
    c6 += x * bp[bj + 2];
    c7 += x * bp[bj + 3];
    c8 += x * bp[bk];
    c9 += x * bp[bk + 1];
    c10 += x * bp[bk + 2];
    c11 += x * bp[bk + 3];
    bi += 4;
    bj += 4;
    bk += 4;
  }
  t[0] = c0;
  t[1] = c1;
  t[2] = c2;
  t[3] = c3;
  t[4] = c4;
  t[5] = c5;
  t[6] = c6;
  t[7] = c7;
  t[8] = c8;
  t[9] = c9;
  t[10] = c10;
  t[11] = c11;
}

/** 1 row × 4 columns (one panel); the row of A is read in place. Sums go to `t[0..4)`. */
export function kernelRow4(
  kc: number,
  a: F32,
  ai: number,
  bp: F32,
  bi: number,
  t: Float64Array,
): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (const end = ai + kc; ai < end; ai++) {
    const x = a[ai];
    c0 += x * bp[bi];
    c1 += x * bp[bi + 1];
    c2 += x * bp[bi + 2];
    c3 += x * bp[bi + 3];
    bi += 4;
  }
  t[0] = c0;
  t[1] = c1;
  t[2] = c2;
  t[3] = c3;
}
