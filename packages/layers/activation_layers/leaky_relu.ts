import { ConfigReader } from "../config_reader.ts";
import type { LayerOptions } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { ElementwiseActivation } from "./elementwise_activation.ts";

/** Options of {@linkcode LeakyReLU}. */
export interface LeakyReLUOptions extends LayerOptions {
  /** Slope for negative inputs, ≥ 0 (default 0.3). */
  negativeSlope?: number;
}

/**
 * Keras `LeakyReLU`: `max(x, negative_slope·x)`. Keras 2 files name the slope `alpha`, read as
 * `negative_slope`. No weights; a mask passes through.
 *
 * @example
 * ```ts
 * import { LeakyReLU } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new LeakyReLU({ negativeSlope: 0.5 }).apply(tensor([[-2, 3]])); // [[-1, 3]]
 * ```
 */
export class LeakyReLU extends ElementwiseActivation {
  /** Keras class name. */
  static override readonly className: string = "LeakyReLU";
  /** Slope for negative inputs. */
  readonly negativeSlope: number;
  readonly #slope: number;

  /** Creates the layer; the slope must be a number ≥ 0. */
  constructor(options: LeakyReLUOptions = {}) {
    super(options);
    const slope = options.negativeSlope ?? 0.3;
    if (typeof slope !== "number" || !(slope >= 0)) {
      throw new RangeError(
        `LeakyReLU layer "${this.name}": negative_slope must be a number >= 0, received ${slope}`,
      );
    }
    this.negativeSlope = slope;
    this.#slope = Math.fround(slope);
    this.init();
  }

  /** `max(x, slope·x)` in float32. */
  protected map(x: number): number {
    return Math.max(x, Math.fround(this.#slope * x));
  }

  /** Keras 3 config: the base keys and `negative_slope`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }

  /** Builds a LeakyReLU from its Keras 3 (`negative_slope`) or Keras 2 (`alpha`) config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): LeakyReLU {
    const r = new ConfigReader("LeakyReLU", config, options);
    const legacy = r.raw("alpha");
    const slope = r.has("negative_slope") || legacy === undefined || legacy === null
      ? r.number("negative_slope", 0.3)
      : r.number("alpha");
    const layer = new LeakyReLU({ ...r.baseOptions(), negativeSlope: slope });
    r.done();
    return layer;
  }
}

registerLayer("LeakyReLU", (config, options) => LeakyReLU.fromConfig(config, options));
