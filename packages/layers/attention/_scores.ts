import { type F32, gemm, getActivation } from "@kerno/tensor";

const softmax = getActivation("softmax");

/**
 * `scores[i, j] -= 1e9` where query row `i` may not see key `j` (the value mask, and the causal
 * rule `j ≤ i` when `causal`), in float32 as Keras's dense attention does. `vMask` holds one
 * entry per key (nonzero = keep) from `vOffset`, or is null.
 */
export function maskScores(
  scores: F32,
  tq: number,
  tv: number,
  vMask: ArrayLike<number> | null,
  vOffset: number,
  causal: boolean,
): void {
  if (!vMask && !causal) return;
  for (let i = 0; i < tq; i++) {
    for (let j = 0; j < tv; j++) {
      const keep = (vMask === null || vMask[vOffset + j] !== 0) && (!causal || j <= i);
      if (!keep) scores[i * tv + j] = Math.fround(scores[i * tv + j] - 1e9);
    }
  }
}

/** Softmax over each row of `tv` scores, in place. */
export function softmaxRows(scores: F32, rows: number, tv: number): void {
  softmax(scores, 0, rows * tv, tv);
}

/**
 * `out[tq × dv] = weights[tq × tv] · value[tv × dv]`, one gemm (rows independent of each other).
 */
export function weightedSum(
  weights: F32,
  tq: number,
  tv: number,
  value: F32,
  vOffset: number,
  dv: number,
  out: F32,
  outOffset: number,
): void {
  gemm(false, false, tq, dv, tv, weights, 0, tv, value, vOffset, dv, out, outOffset, dv);
}
