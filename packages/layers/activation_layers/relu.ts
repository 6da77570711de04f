import { ConfigReader } from "../config_reader.ts";
import type { LayerOptions } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { ElementwiseActivation } from "./elementwise_activation.ts";

/** Options of {@linkcode ReLU}. */
export interface ReLUOptions extends LayerOptions {
  /** Upper bound of the output, ≥ 0; `null` (default) for none. */
  maxValue?: number | null;
  /** Slope below the threshold, ≥ 0 (default 0). */
  negativeSlope?: number;
  /** Values above it pass, ≥ 0 (default 0). */
  threshold?: number;
}

/**
 * Keras `ReLU`: `x` above `threshold` (capped at `max_value`), `negative_slope·(x − threshold)`
 * below it, evaluated in Keras's order of float32 operations. No weights; a mask passes through.
 *
 * @example
 * ```ts
 * import { ReLU } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new ReLU({ maxValue: 1 }).apply(tensor([[-1, 0.5, 3]])); // [[0, 0.5, 1]]
 * ```
 */
export class ReLU extends ElementwiseActivation {
  /** Keras class name. */
  static override readonly className: string = "ReLU";
  /** Upper bound, or null. */
  readonly maxValue: number | null;
  /** Slope below the threshold. */
  readonly negativeSlope: number;
  /** The threshold. */
  readonly threshold: number;
  readonly #slope: number;
  readonly #max: number;
  readonly #threshold: number;

  /** Creates the layer; every argument must be ≥ 0. */
  constructor(options: ReLUOptions = {}) {
    super(options);
    const maxValue = options.maxValue ?? null;
    const slope = options.negativeSlope ?? 0;
    const threshold = options.threshold ?? 0;
    const check = (key: string, v: number) => {
      if (typeof v !== "number" || !(v >= 0)) {
        throw new RangeError(
          `ReLU layer "${this.name}": ${key} must be a number >= 0, received ${v}`,
        );
      }
    };
    if (maxValue !== null) check("max_value", maxValue);
    check("negative_slope", slope);
    check("threshold", threshold);
    this.maxValue = maxValue;
    this.negativeSlope = slope;
    this.threshold = threshold;
    this.#slope = Math.fround(slope);
    this.#max = maxValue === null ? Infinity : Math.fround(maxValue);
    this.#threshold = Math.fround(threshold);
    this.init();
  }

  /** Keras's `ReLU.static_call`, value by value. */
  protected map(x: number): number {
    const f = Math.fround;
    const slope = this.#slope;
    const t = this.#threshold;
    if (slope !== 0 && this.maxValue === null && t === 0) return Math.max(x, f(slope * x));
    const negative = slope === 0 ? 0 : Math.max(t !== 0 ? f(-x + t) : -x, 0);
    let y = t !== 0 ? (x > t ? x : 0) : Math.max(x, 0);
    y = Math.min(Math.max(y, 0), this.#max);
    return slope === 0 ? y : f(y - f(slope * negative));
  }

  /** Keras 3 config: the base keys, `max_value`, `negative_slope`, `threshold`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      max_value: this.maxValue,
      negative_slope: this.negativeSlope,
      threshold: this.threshold,
    };
  }

  /** Builds a ReLU from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): ReLU {
    const r = new ConfigReader("ReLU", config, options);
    const max = r.raw("max_value");
    const layer = new ReLU({
      ...r.baseOptions(),
      maxValue: max === undefined || max === null ? null : r.number("max_value"),
      negativeSlope: r.number("negative_slope", 0),
      threshold: r.number("threshold", 0),
    });
    r.done();
    return layer;
  }
}

registerLayer("ReLU", (config, options) => ReLU.fromConfig(config, options));
