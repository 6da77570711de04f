/**
 * Micro-kernels of {@linkcode gemm}. Each one sums `a·b` products over `kc` steps of `k`, in
 * order, starting from zero, in double precision, and writes the sums to `t`. Every kernel does
 * exactly the same operations per output element, so which kernel computed an element (a full
 * 4×4 tile, an edge row, a single-row call) never changes its bits.
 *
 * `ap` is a packed panel of A: `MR = 4` rows interleaved (`ap[ai + 4p + r]`). `bp` holds 4
 * consecutive columns per step, the next step `ldb` further (`bp[bi + p·ldb + q]`): either B
 * itself or a packed panel (`ldb = 4`).
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

/** 4 rows × 4 columns; sums go to `t[4r + q]`. */
export function kernel4x4(
  kc: number,
  ap: Float64Array,
  ai: number,
  bp: F32,
  bi: number,
  ldb: number,
  t: Float64Array,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++) {
    const a0 = ap[ai];
    const a1 = ap[ai + 1];
    const a2 = ap[ai + 2];
    const a3 = ap[ai + 3];
    const b0 = bp[bi];
    c00 += a0 * b0;
    c10 += a1 * b0;
    c20 += a2 * b0;
    c30 += a3 * b0;
    const b1 = bp[bi + 1];
    c01 += a0 * b1;
    c11 += a1 * b1;
    c21 += a2 * b1;
    c31 += a3 * b1;
    const b2 = bp[bi + 2];
    c02 += a0 * b2;
    c12 += a1 * b2;
    c22 += a2 * b2;
    c32 += a3 * b2;
    const b3 = bp[bi + 3];
    c03 += a0 * b3;
    c13 += a1 * b3;
    c23 += a2 * b3;
    c33 += a3 * b3;
    ai += 4;
    bi += ldb;
  }
  t[0] = c00;
  t[1] = c01;
  t[2] = c02;
  t[3] = c03;
  t[4] = c10;
  t[5] = c11;
  t[6] = c12;
  t[7] = c13;
  t[8] = c20;
  t[9] = c21;
  t[10] = c22;
  t[11] = c23;
  t[12] = c30;
  t[13] = c31;
  t[14] = c32;
  t[15] = c33;
}

/** 1 row × 8 columns, taken as two 4-column groups at `bi0` and `bi1`; sums go to `t[0..8)`. */
export function kernel1x8(
  kc: number,
  ap: Float64Array,
  ai: number,
  bp: F32,
  bi0: number,
  bi1: number,
  ldb: number,
  t: Float64Array,
): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (let p = 0; p < kc; p++) {
    const a = ap[ai];
    c0 += a * bp[bi0];
    c1 += a * bp[bi0 + 1];
    c2 += a * bp[bi0 + 2];
    c3 += a * bp[bi0 + 3];
    c4 += a * bp[bi1];
    c5 += a * bp[bi1 + 1];
    c6 += a * bp[bi1 + 2];
    c7 += a * bp[bi1 + 3];
    ai += 4;
    bi0 += ldb;
    bi1 += ldb;
  }
  t[0] = c0;
  t[1] = c1;
  t[2] = c2;
  t[3] = c3;
  t[4] = c4;
  t[5] = c5;
  t[6] = c6;
  t[7] = c7;
}

/** 1 row × 4 columns; sums go to `t[0..4)`. */
export function kernel1x4(
  kc: number,
  ap: Float64Array,
  ai: number,
  bp: F32,
  bi: number,
  ldb: number,
  t: Float64Array,
): void {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let p = 0; p < kc; p++) {
    const a = ap[ai];
    c0 += a * bp[bi];
    c1 += a * bp[bi + 1];
    c2 += a * bp[bi + 2];
    c3 += a * bp[bi + 3];
    ai += 4;
    bi += ldb;
  }
  t[0] = c0;
  t[1] = c1;
  t[2] = c2;
  t[3] = c3;
}
