/**
 * The less common Keras 3 activations, in-place over `x[offset, offset+length)`, with Keras's
 * default arguments.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { softplusScalar } from "./_activation_fns.ts";

/** clip(x, −1, 1). */
export function hardTanh(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v < -1 ? -1 : v > 1 ? 1 : v;
  }
}

/** log(sigmoid(x)) = −softplus(−x). */
export function logSigmoid(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) x[i] = -softplusScalar(-x[i]);
}

/** x − tanh(x). */
export function tanhShrink(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v - Math.tanh(v);
  }
}

/** max(x, 0) + alpha·expm1(min(x, 0)/alpha), alpha 1. */
export function celu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = (v > 0 ? v : 0) + Math.expm1(v < 0 ? v : 0);
  }
}

/** (x + √(x² + b)) / 2, b = 4. */
export function squareplus(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = (v + Math.sqrt(v * v + 4)) / 2;
  }
}

/** x − 0.5 above 0.5, x + 0.5 below −0.5, 0 between. */
export function softShrink(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0;
  }
}

/** x where |x| > 0.5, 0 elsewhere. */
export function hardShrink(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v > 0.5 || v < -0.5 ? v : 0;
  }
}

/** 0 for x ≤ −1, x for x ≥ 1, (x + 1)²/4 between. */
export function sparsePlus(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v <= -1 ? 0 : v >= 1 ? v : ((v + 1) * (v + 1)) / 4;
  }
}
