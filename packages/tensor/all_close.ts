import { formatShape, Tensor } from "./tensor.ts";

/**
 * Tolerances of {@linkcode allClose} and {@linkcode compareClose}: pass when
 * `|a − b| ≤ atol + rtol·|b|`.
 */
export interface AllCloseOptions {
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance, scaled by `|b|` (the expected value). Default 1e-5. */
  rtol?: number;
}

/** What {@linkcode compareClose} found. */
export interface CloseReport {
  /** Every element within tolerance. */
  ok: boolean;
  /** The largest `|a − b|` (`Infinity` when a NaN or an unmatched infinity is involved). */
  maxAbsDiff: number;
  /** The flat index of the first element out of tolerance, or `null`. */
  firstFailure: number | null;
}

function values(x: Tensor | ArrayLike<number>): ArrayLike<number> {
  return x instanceof Tensor ? x.data : x;
}

/**
 * Whether `a` (got) is close to `b` (want) everywhere, as numpy's `allclose`:
 * `|a − b| ≤ atol + rtol·|b|`. NaN never matches; equal infinities do. Tensors must have the
 * same shape, arrays the same length (else a `TypeError`). {@linkcode compareClose} also says
 * where and by how much they differ.
 *
 * @example
 * ```ts
 * import { allClose } from "@kerno/tensor";
 * if (!allClose([1, 2.000001], [1, 2])) throw new Error("not close"); // close: no throw
 * ```
 */
export function allClose(
  a: Tensor | ArrayLike<number>,
  b: Tensor | ArrayLike<number>,
  options: AllCloseOptions = {},
): boolean {
  return compareClose(a, b, options).ok;
}

/**
 * Compares `a` (got) with `b` (want) as {@linkcode allClose} does and reports the largest
 * difference and the first element out of tolerance.
 *
 * @example
 * ```ts
 * import { compareClose } from "@kerno/tensor";
 * const r = compareClose([1, 2.1], [1, 2], { atol: 1e-3, rtol: 0 });
 * // r = { ok: false, maxAbsDiff: ~0.1, firstFailure: 1 }
 * ```
 */
export function compareClose(
  a: Tensor | ArrayLike<number>,
  b: Tensor | ArrayLike<number>,
  options: AllCloseOptions = {},
): CloseReport {
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-5;
  if (!(atol >= 0) || !(rtol >= 0)) {
    throw new RangeError(
      `allClose: atol and rtol must be >= 0, received atol=${atol}, rtol=${rtol}`,
    );
  }
  if (a instanceof Tensor && b instanceof Tensor) {
    const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (!same) {
      throw new TypeError(
        `allClose: shapes differ: ${formatShape(a.shape)} vs ${formatShape(b.shape)}`,
      );
    }
  }
  const x = values(a), y = values(b);
  if (x.length !== y.length) {
    throw new TypeError(`allClose: lengths differ: ${x.length} vs ${y.length}`);
  }
  let maxAbsDiff = 0;
  let firstFailure: number | null = null;
  for (let i = 0; i < x.length; i++) {
    const got = x[i], want = y[i];
    let diff = got === want ? 0 : Math.abs(got - want);
    if (Number.isNaN(diff)) diff = Infinity;
    if (diff > maxAbsDiff) maxAbsDiff = diff;
    const within = diff <= atol + rtol * Math.abs(want) && diff !== Infinity;
    if (firstFailure === null && !within) firstFailure = i;
  }
  return { ok: firstFailure === null, maxAbsDiff, firstFailure };
}
