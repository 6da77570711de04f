import { ConfigReader } from "../config_reader.ts";
import type { LayerOptions } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { ElementwiseActivation } from "./elementwise_activation.ts";

/** Options of {@linkcode ELU}. */
export interface ELUOptions extends LayerOptions {
  /** Scale of the negative part (default 1). */
  alpha?: number;
}

/**
 * Keras `ELU`: `x` for `x ≥ 0`, `alpha·(exp(x) − 1)` below. No weights; a mask passes through.
 *
 * @example
 * ```ts
 * import { ELU } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new ELU({ alpha: 0.5 }).apply(tensor([[2]])); // [[2]]
 * ```
 */
export class ELU extends ElementwiseActivation {
  /** Keras class name. */
  static override readonly className: string = "ELU";
  /** Scale of the negative part. */
  readonly alpha: number;
  readonly #alpha: number;

  /** Creates the layer. */
  constructor(options: ELUOptions = {}) {
    super(options);
    const alpha = options.alpha ?? 1;
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
      throw new TypeError(`ELU layer "${this.name}": alpha must be a number, received ${alpha}`);
    }
    this.alpha = alpha;
    this.#alpha = Math.fround(alpha);
    this.init();
  }

  /** `x ≥ 0 ? x : alpha·expm1(x)` in float32. */
  protected map(x: number): number {
    return x >= 0 ? x : Math.fround(this.#alpha * Math.fround(Math.expm1(x)));
  }

  /** Keras 3 config: the base keys and `alpha`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  /** Builds an ELU from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): ELU {
    const r = new ConfigReader("ELU", config, options);
    const layer = new ELU({ ...r.baseOptions(), alpha: r.number("alpha", 1) });
    r.done();
    return layer;
  }
}

registerLayer("ELU", (config, options) => ELU.fromConfig(config, options));
