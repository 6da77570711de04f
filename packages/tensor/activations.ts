import type { F32 } from "./tensor.ts";
import * as fns from "./_activation_fns.ts";
import * as extra from "./_activation_extra.ts";
import { logSoftmax, softmax } from "./_softmax.ts";

/**
 * An activation applied in place to `x[offset, offset + length)`. `lastDim` is the length of
 * the last axis; only the row-wise activations (softmax, log_softmax) use it.
 */
export type ActivationFn = (x: F32, offset: number, length: number, lastDim: number) => void;

const ACTIVATIONS: Readonly<Record<string, ActivationFn>> = {
  linear: fns.linear,
  tanh: fns.tanh,
  sigmoid: fns.sigmoid,
  hard_sigmoid: fns.hardSigmoid,
  hard_sigmoid_keras2: fns.hardSigmoidKeras2,
  relu: (x, offset, length) => relu(x, offset, length),
  relu6: fns.relu6,
  leaky_relu: fns.leakyRelu,
  elu: fns.elu,
  selu: fns.selu,
  softplus: fns.softplus,
  softsign: fns.softsign,
  swish: fns.silu,
  silu: fns.silu,
  hard_silu: fns.hardSilu,
  hard_swish: fns.hardSilu,
  gelu: fns.gelu,
  gelu_approximate: fns.geluApproximate,
  softmax,
  log_softmax: logSoftmax,
  exponential: fns.exponential,
  mish: fns.mish,
  celu: extra.celu,
  hard_tanh: extra.hardTanh,
  log_sigmoid: extra.logSigmoid,
  tanh_shrink: extra.tanhShrink,
  squareplus: extra.squareplus,
  soft_shrink: extra.softShrink,
  hard_shrink: extra.hardShrink,
  sparse_plus: extra.sparsePlus,
};

/**
 * The names {@linkcode getActivation} knows, sorted. They are Keras 3's names (`hard_sigmoid`
 * is Keras 3's x/6 + 0.5), plus `hard_sigmoid_keras2` (0.2x + 0.5, the Keras 2 definition) and
 * `gelu_approximate` (the tanh form).
 *
 * @example
 * ```ts
 * import { activationNames } from "@kerno/tensor";
 * activationNames().includes("tanh"); // true
 * ```
 */
export function activationNames(): string[] {
  return Object.keys(ACTIVATIONS).sort();
}

/**
 * The in-place kernel of a Keras activation by name. Throws a `RangeError` listing the known
 * names when `name` is not one of {@linkcode activationNames}.
 *
 * @example
 * ```ts
 * import { getActivation } from "@kerno/tensor";
 * const x = new Float32Array([-1, 0, 1, 2, 3, 4]);
 * getActivation("softmax")(x, 0, 6, 3); // two rows of 3, each summing to 1
 * getActivation("sigmoid")(x, 0, 6, 3);
 * ```
 */
export function getActivation(name: string): ActivationFn {
  const fn = Object.hasOwn(ACTIVATIONS, name) ? ACTIVATIONS[name] : undefined;
  if (fn === undefined) {
    throw new RangeError(
      `Unknown activation "${name}". Known activations: ${activationNames().join(", ")}`,
    );
  }
  return fn;
}

/** Options of {@linkcode relu}, as Keras's `relu(x, negative_slope, max_value, threshold)`. */
export interface ReluOptions {
  /** Slope below the threshold. Default 0. */
  negativeSlope?: number;
  /** Upper clip, or `null`/`undefined` for none. */
  maxValue?: number | null;
  /** Values at or below it count as "negative". Default 0. */
  threshold?: number;
}

/**
 * Keras 3's `relu` with its options, in place on `x[offset, offset + length)`:
 * `y = x > threshold ? x : 0` (`max(x, 0)` when the threshold is 0), clipped to
 * `[0, maxValue]`, then `y −= negativeSlope · max(threshold − x, 0)`.
 *
 * @example
 * ```ts
 * import { relu } from "@kerno/tensor";
 * const x = new Float32Array([-2, 1, 8]);
 * relu(x, 0, 3, { negativeSlope: 0.5, maxValue: 6 }); // x = [-1, 1, 6]
 * ```
 */
export function relu(x: F32, offset: number, length: number, options: ReluOptions = {}): void {
  const slope = options.negativeSlope ?? 0;
  const maxValue = options.maxValue ?? Infinity;
  const threshold = options.threshold ?? 0;
  for (const [key, v] of [["negativeSlope", slope], ["threshold", threshold]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`relu: ${key} must be finite, received ${v}`);
  }
  if (Number.isNaN(maxValue) || maxValue < 0) {
    throw new RangeError(`relu: maxValue must be >= 0 or null, received ${options.maxValue}`);
  }
  const end = offset + length;
  if (slope === 0 && threshold === 0 && maxValue === Infinity) {
    for (let i = offset; i < end; i++) if (!(x[i] > 0)) x[i] = x[i] === x[i] ? 0 : x[i];
    return;
  }
  for (let i = offset; i < end; i++) {
    const v = x[i];
    if (v !== v) continue; // NaN stays NaN, as in Keras
    let y = threshold !== 0 ? (v > threshold ? v : 0) : (v > 0 ? v : 0);
    if (y > maxValue) y = maxValue;
    if (slope !== 0) {
      const neg = threshold - v;
      y -= slope * (neg > 0 ? neg : 0);
    }
    x[i] = y;
  }
}
