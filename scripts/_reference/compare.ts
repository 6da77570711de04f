/**
 * Elementwise comparison of Kerno's numbers with Keras's, with the fixtures' tolerance
 * `|got − want| ≤ atol + rtol·|want|` (1e-5 each). Kept free of Kerno's own kernels so the
 * oracle does not depend on the code under test.
 *
 * @module
 */

/** Absolute and relative tolerance. */
export interface Tolerance {
  /** Absolute part. */
  atol: number;
  /** Relative part, times `|want|`. */
  rtol: number;
}

/** The fixtures' tolerance: `|got − want| ≤ 1e-5 + 1e-5·|want|`. Never loosen it. */
export const TOLERANCE: Readonly<Tolerance> = Object.freeze({ atol: 1e-5, rtol: 1e-5 });

/** The outcome of {@linkcode compareValues}. */
export interface Comparison {
  /** True when every element is within tolerance (and the lengths agree). */
  ok: boolean;
  /** Largest `|got − want|` (Infinity for NaN or a length mismatch). */
  maxAbsDiff: number;
  /** Index of the first element out of tolerance, or null. */
  firstFailure: number | null;
  /** How many elements are out of tolerance. */
  failures: number;
}

/** Compares two flat arrays elementwise. A NaN in `got` always fails. */
export function compareValues(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance: Tolerance = TOLERANCE,
): Comparison {
  if (got.length !== want.length) {
    return { ok: false, maxAbsDiff: Infinity, firstFailure: 0, failures: want.length };
  }
  let maxAbsDiff = 0;
  let firstFailure: number | null = null;
  let failures = 0;
  for (let i = 0; i < want.length; i++) {
    const w = Math.fround(want[i]);
    const diff = Math.abs(got[i] - w);
    const bad = !(diff <= tolerance.atol + tolerance.rtol * Math.abs(w));
    if (Number.isNaN(diff)) maxAbsDiff = Infinity;
    else if (diff > maxAbsDiff) maxAbsDiff = diff;
    if (bad) {
      failures++;
      if (firstFailure === null) firstFailure = i;
    }
  }
  return { ok: failures === 0, maxAbsDiff, firstFailure, failures };
}

/** The multi-index of flat position `index` in `shape`, as `[0, 3, 1]`. */
export function unravelIndex(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] || 1;
    out[d] = rest % n;
    rest = Math.floor(rest / n);
  }
  return out;
}

/** True when the two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A number in short scientific notation for the report lines: `3.1e-7`, `0`. */
export function formatDiff(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}
