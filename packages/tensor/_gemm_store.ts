/**
 * The write-back of {@linkcode gemm} and {@linkcode gemmPacked}: how block sums reach C. Both
 * products share it, so they fold alpha, beta and bias in with the same operations (same bits).
 *
 * @module
 */
import type { F32 } from "./tensor.ts";

/**
 * Writes `mr × nr` sums of `t` (from `to`, row stride `ts`) into C, folding in alpha, beta and
 * bias: on the first block of k, `C = alpha·t + beta·C (+ bias)` (C not read when beta is 0);
 * on later blocks, `C += alpha·t`.
 */
export function store(
  t: Float64Array,
  to: number,
  ts: number,
  mr: number,
  nr: number,
  c: F32,
  ci: number,
  ldc: number,
  first: boolean,
  alpha: number,
  beta: number,
  bias: F32 | undefined,
  bi: number,
): void {
  for (let r = 0; r < mr; r++, ci += ldc) {
    const tr = to + r * ts;
    if (!first) {
      for (let q = 0; q < nr; q++) c[ci + q] += alpha * t[tr + q];
    } else if (bias === undefined) {
      if (beta === 0) {
        for (let q = 0; q < nr; q++) c[ci + q] = alpha * t[tr + q];
      } else {
        for (let q = 0; q < nr; q++) c[ci + q] = alpha * t[tr + q] + beta * c[ci + q];
      }
    } else if (beta === 0) {
      for (let q = 0; q < nr; q++) c[ci + q] = alpha * t[tr + q] + bias[bi + q];
    } else {
      for (let q = 0; q < nr; q++) {
        c[ci + q] = alpha * t[tr + q] + beta * c[ci + q] + bias[bi + q];
      }
    }
  }
}

/** `k = 0`: C = beta·C (+ bias), with C not read when beta is 0. */
export function scaleOnly(
  m: number,
  n: number,
  c: F32,
  cOffset: number,
  ldc: number,
  beta: number,
  bias: F32 | undefined,
  biasOffset: number,
): void {
  for (let i = 0; i < m; i++) {
    const row = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let v = beta === 0 ? 0 : beta * c[row + j];
      if (bias !== undefined) v += bias[biasOffset + j];
      c[row + j] = v;
    }
  }
}
