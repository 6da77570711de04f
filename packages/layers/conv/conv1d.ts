import type { DeserializeOptions } from "../registry.ts";
import { registerLayer } from "../registry.ts";
import { ConfigReader } from "../config_reader.ts";
import { BaseConv, type ConvOptions, readConvConfig } from "./base_conv.ts";

/**
 * Keras `Conv1D`: a convolution over the time axis of `(batch, steps, channels)` inputs, with
 * `valid`, `same` or `causal` padding, strides, dilation and groups. Weights `kernel`
 * `(kernel_size, channels / groups, filters)` and `bias` `(filters)`. Runs as im2col + gemm.
 * A mask does not pass through (as in Keras).
 *
 * @example
 * ```ts
 * import { Conv1D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const conv = new Conv1D(4, 3, { padding: "causal" });
 * const y = conv.apply(Tensor.zeros([2, 10, 3])) as Tensor; // shape [2, 10, 4]
 * ```
 */
export class Conv1D extends BaseConv {
  /** Keras class name. */
  static override readonly className: string = "Conv1D";

  /** `filters` outputs, a window of `kernelSize` steps. */
  constructor(filters: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(1, filters, kernelSize, options);
  }

  /** Builds a Conv1D from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Conv1D {
    const r = new ConfigReader("Conv1D", config, options);
    const c = readConvConfig(r, options);
    const layer = new Conv1D(c.filters, c.kernelSize, c.options);
    r.done();
    return layer;
  }
}

registerLayer("Conv1D", (config, options) => Conv1D.fromConfig(config, options));
registerLayer("Convolution1D", (config, options) => Conv1D.fromConfig(config, options));
