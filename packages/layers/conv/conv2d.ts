import type { DeserializeOptions } from "../registry.ts";
import { registerLayer } from "../registry.ts";
import { ConfigReader } from "../config_reader.ts";
import { BaseConv, type ConvOptions, readConvConfig } from "./base_conv.ts";

/**
 * Keras `Conv2D`: a 2D convolution over `(batch, rows, cols, channels)` inputs (an image, or
 * each frame of a sequence under `TimeDistributed`), with `valid` or `same` padding, strides,
 * dilation and groups. Weights `kernel` `(kh, kw, channels / groups, filters)` and `bias`
 * `(filters)`. Runs as im2col + gemm.
 *
 * @example
 * ```ts
 * import { Conv2D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const conv = new Conv2D(8, 3, { padding: "same", strides: 2 });
 * const y = conv.apply(Tensor.zeros([2, 6, 6, 1])) as Tensor; // shape [2, 3, 3, 8]
 * ```
 */
export class Conv2D extends BaseConv {
  /** Keras class name. */
  static override readonly className: string = "Conv2D";

  /** `filters` outputs, a window of `kernelSize` (one number, or `[rows, cols]`). */
  constructor(filters: number, kernelSize: number | number[], options: ConvOptions = {}) {
    super(2, filters, kernelSize, options);
  }

  /** Builds a Conv2D from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Conv2D {
    const r = new ConfigReader("Conv2D", config, options);
    const c = readConvConfig(r, options);
    const layer = new Conv2D(c.filters, c.kernelSize, c.options);
    r.done();
    return layer;
  }
}

registerLayer("Conv2D", (config, options) => Conv2D.fromConfig(config, options));
registerLayer("Convolution2D", (config, options) => Conv2D.fromConfig(config, options));
