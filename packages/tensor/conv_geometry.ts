/** How a convolution or pooling window pads its input (Keras's `padding`). */
export type ConvPadding = "valid" | "same" | "causal";

/**
 * The shape of a channels-last convolution: `x` is `[batch, ...inSpatial, inChannels]`, the
 * kernel `[...kernelSpatial, inChannels / groups, filters]` (Keras's layout), the output
 * `[batch, ...outSpatial, filters]`. Input positions before `padBefore` or past the input read
 * as zeros.
 */
export interface ConvGeometry {
  /** Rows of the batch. */
  readonly batch: number;
  /** Input size per spatial axis (1 to 3 axes). */
  readonly inSpatial: readonly number[];
  /** Input channels (last axis). */
  readonly inChannels: number;
  /** Window size per spatial axis. */
  readonly kernelSpatial: readonly number[];
  /** Output channels. */
  readonly filters: number;
  /** Channel groups: input and output channels split into this many independent parts. */
  readonly groups: number;
  /** Step between windows per spatial axis. */
  readonly strides: readonly number[];
  /** Gap between window taps per spatial axis (1 = contiguous). */
  readonly dilation: readonly number[];
  /** Zero positions added before the input per spatial axis. */
  readonly padBefore: readonly number[];
  /** Output size per spatial axis. */
  readonly outSpatial: readonly number[];
}

/** Output size and leading padding of one spatial axis. */
export interface AxisPadding {
  /** Output size, or null when the input size is unknown. */
  readonly out: number | null;
  /** Positions padded before the input. */
  readonly before: number;
}

/**
 * Output size and leading padding of one spatial axis, with Keras's (and jax's) rules:
 * `valid` takes only whole windows, `same` gives `ceil(in / stride)` outputs and puts the smaller
 * half of the padding first, `causal` pads `(k - 1)·dilation` in front and then acts as `valid`.
 *
 * @example
 * ```ts
 * import { axisPadding } from "@kerno/tensor";
 * axisPadding(12, 3, 2, 1, "same"); // { out: 6, before: 0 }
 * axisPadding(12, 3, 1, 2, "causal"); // { out: 12, before: 4 }
 * ```
 */
export function axisPadding(
  size: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: ConvPadding,
): AxisPadding {
  const span = (kernel - 1) * dilation + 1;
  if (padding === "causal") {
    const before = span - 1;
    return {
      out: size === null ? null : Math.max(0, Math.floor((size + before - span) / stride) + 1),
      before,
    };
  }
  if (padding === "valid") {
    return {
      out: size === null ? null : Math.max(0, Math.floor((size - span) / stride) + 1),
      before: 0,
    };
  }
  if (size === null) return { out: null, before: 0 };
  const out = Math.ceil(size / stride);
  const total = Math.max(0, (out - 1) * stride + span - size);
  return { out, before: Math.floor(total / 2) };
}
