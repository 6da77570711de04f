import type { F32 } from "./tensor.ts";

/**
 * `out[outOff + i] = a[aOff + i] + b[bOff + i]` for `i < n`. `out` may be `a` or `b`.
 *
 * @example
 * ```ts
 * import { add } from "@kerno/tensor";
 * const x = new Float32Array([1, 2, 3]);
 * add(x, 0, x, 0, x, 0, 3); // x = [2, 4, 6]
 * ```
 */
export function add(
  a: F32,
  aOff: number,
  b: F32,
  bOff: number,
  out: F32,
  outOff: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) out[outOff + i] = a[aOff + i] + b[bOff + i];
}

/**
 * `out[outOff + i] = a[aOff + i] · b[bOff + i]` for `i < n`. `out` may be `a` or `b`.
 *
 * @example
 * ```ts
 * import { mul } from "@kerno/tensor";
 * const out = new Float32Array(2);
 * mul(new Float32Array([2, 3]), 0, new Float32Array([4, 5]), 0, out, 0, 2); // out = [8, 15]
 * ```
 */
export function mul(
  a: F32,
  aOff: number,
  b: F32,
  bOff: number,
  out: F32,
  outOff: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) out[outOff + i] = a[aOff + i] * b[bOff + i];
}

/**
 * `out[outOff + i] = mask[mOff + i] ? a[aOff + i] : b[bOff + i]` for `i < n`. A true blend: the
 * value not chosen is never read into the result, so a NaN there cannot leak (unlike
 * `m·a + (1 − m)·b`). `out` may be `a` or `b`.
 *
 * @example
 * ```ts
 * import { select } from "@kerno/tensor";
 * const out = new Float32Array(2);
 * select(new Uint8Array([1, 0]), 0, new Float32Array([1, 2]), 0, new Float32Array([NaN, 9]), 0, out, 0, 2);
 * // out = [1, 9]
 * ```
 */
export function select(
  mask: Uint8Array<ArrayBufferLike>,
  mOff: number,
  a: F32,
  aOff: number,
  b: F32,
  bOff: number,
  out: F32,
  outOff: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    out[outOff + i] = mask[mOff + i] !== 0 ? a[aOff + i] : b[bOff + i];
  }
}
