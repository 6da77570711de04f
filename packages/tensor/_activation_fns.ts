/**
 * The element-wise activations of Keras 3, as in-place loops over `x[offset, offset+length)`.
 * Each value is computed in double precision and rounded to float32 once. Definitions follow
 * `keras/src/activations/activations.py` and `keras/src/backend/numpy/nn.py`.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { erf } from "./_erf.ts";

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const SQRT_HALF = 0.7071067811865476;
const SQRT_2_OVER_PI = 0.7978845608028654;

/** `max(x, 0) + log1p(exp(−|x|))`: log(1 + eˣ) without overflow. */
export function softplusScalar(v: number): number {
  return (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
}

/** 1 / (1 + e⁻ˣ), evaluated on the side that cannot overflow. */
export function sigmoidScalar(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Identity: leaves `x` unchanged. */
export function linear(_x: F32, _offset: number, _length: number): void {}

/** tanh(x). */
export function tanh(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) x[i] = Math.tanh(x[i]);
}

/** 1 / (1 + e⁻ˣ). */
export function sigmoid(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    if (v >= 0) {
      x[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      x[i] = e / (1 + e);
    }
  }
}

/** Keras 3 hard sigmoid: clip(x/6 + 0.5, 0, 1). */
export function hardSigmoid(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i] / 6 + 0.5;
    x[i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
}

/** Keras 2 / tfjs / ONNX hard sigmoid: clip(0.2x + 0.5, 0, 1). */
export function hardSigmoidKeras2(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = 0.2 * x[i] + 0.5;
    x[i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
}

/** min(max(x, 0), 6). */
export function relu6(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v > 0 ? (v < 6 ? v : 6) : 0;
  }
}

/** x for x ≥ 0, 0.2x below (Keras 3 `leaky_relu` default `negative_slope=0.2`). */
export function leakyRelu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    if (v < 0) x[i] = 0.2 * v;
  }
}

/** x for x > 0, eˣ − 1 below (alpha 1). */
export function elu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    if (v <= 0) x[i] = Math.expm1(v);
  }
}

/** scale · (x for x > 0, alpha·(eˣ − 1) below), with the SELU constants. */
export function selu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v > 0 ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * Math.expm1(v);
  }
}

/** log(1 + eˣ), computed stably. */
export function softplus(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) x[i] = softplusScalar(x[i]);
}

/** x / (1 + |x|). */
export function softsign(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v / (1 + Math.abs(v));
  }
}

/** x · sigmoid(x) (Keras `silu`, alias `swish`). */
export function silu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v * sigmoidScalar(v);
  }
}

/** x · clip(x/6 + 0.5, 0, 1) (Keras `hard_silu`, alias `hard_swish`). */
export function hardSilu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    const h = v / 6 + 0.5;
    x[i] = v * (h <= 0 ? 0 : h >= 1 ? 1 : h);
  }
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
export function gelu(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = 0.5 * v * (1 + erf(v * SQRT_HALF));
  }
}

/** Tanh-approximated GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715x³))). */
export function geluApproximate(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
  }
}

/** eˣ. */
export function exponential(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) x[i] = Math.exp(x[i]);
}

/** x · tanh(softplus(x)). */
export function mish(x: F32, offset: number, length: number): void {
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i];
    x[i] = v * Math.tanh(softplusScalar(v));
  }
}
