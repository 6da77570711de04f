const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * The error function in double precision (absolute error below 1e-15).
 *
 * For `|x| < 3` it sums the series `erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1))`,
 * whose terms are all positive (no cancellation); beyond, it evaluates the continued fraction of
 * `erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))` 60 levels deep.
 *
 * @example
 * ```ts
 * import { erf } from "@kerno/tensor";
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const e = Math.exp(-ax * ax);
  let r: number;
  if (ax < 3) {
    const x2 = 2 * ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * e * sum;
  } else {
    let f = ax;
    for (let n = 60; n >= 1; n--) f = ax + (n / 2) / f;
    r = 1 - (ONE_OVER_SQRT_PI * e) / f;
  }
  return x < 0 ? -r : r;
}
