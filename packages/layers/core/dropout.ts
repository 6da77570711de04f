import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";

/** Options of {@linkcode Dropout}. */
export interface DropoutOptions extends LayerOptions {
  /** Shape of the dropout mask (training only); `null` = the input's shape. */
  noiseShape?: readonly (number | null)[] | null;
  /** Seed of the dropout mask (training only). */
  seed?: number | null;
}

/**
 * Keras `Dropout`. Kerno runs inference only, where dropout is the identity, as in Keras's
 * `predict()`; `rate`, `noiseShape` and `seed` are checked and kept in the config. A mask passes
 * through.
 *
 * @example
 * ```ts
 * import { Dropout } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Dropout(0.5).apply(tensor([[1, 2]])); // [[1, 2]]
 * ```
 */
export class Dropout extends Layer {
  /** Keras's `call` takes `training` (default `false`). */
  override readonly callTrainingDefault: boolean | null | undefined = false;

  /** Keras class name. */
  static override readonly className: string = "Dropout";
  /** Fraction of units dropped during training, in [0, 1]. */
  readonly rate: number;
  /** Shape of the dropout mask, or null. */
  readonly noiseShape: readonly (number | null)[] | null;
  /** Seed, or null. */
  readonly seed: number | null;

  /** Creates the layer; `rate` must be in [0, 1]. */
  constructor(rate: number, options: DropoutOptions = {}) {
    super(options);
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
      throw new RangeError(
        `Dropout layer "${this.name}": rate must be a number between 0 and 1, received ${rate}`,
      );
    }
    const ns = options.noiseShape ?? null;
    if (ns !== null) {
      ns.forEach((d, i) => {
        if (d !== null && (!Number.isInteger(d) || d <= 0)) {
          throw new RangeError(
            `Dropout layer "${this.name}": noise_shape[${i}] must be a positive integer or null, received ${d}`,
          );
        }
      });
    }
    this.rate = rate;
    this.noiseShape = ns === null ? null : [...ns];
    this.seed = options.seed ?? null;
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** The identity (inference): a new tensor over the same data. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    return [new Tensor(inputs[0].data, inputs[0].shape)];
  }

  /** Keras 3 config: the base keys, `rate`, `seed`, `noise_shape`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      rate: this.rate,
      seed: this.seed,
      noise_shape: this.noiseShape === null ? null : [...this.noiseShape],
    };
  }

  /** Builds a Dropout layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Dropout {
    const r = new ConfigReader("Dropout", config, options);
    const seed = r.raw("seed");
    if (seed !== undefined && seed !== null && !Number.isInteger(seed)) {
      throw new TypeError(
        `Dropout layer "${r.layerName}", config key "seed": expected an integer or null, received ${
          JSON.stringify(seed)
        }`,
      );
    }
    const ns = r.raw("noise_shape");
    if (ns !== undefined && ns !== null && !Array.isArray(ns)) {
      throw new TypeError(
        `Dropout layer "${r.layerName}", config key "noise_shape": expected a list or null, received ${
          JSON.stringify(ns)
        }`,
      );
    }
    const layer = new Dropout(r.number("rate"), {
      ...r.baseOptions(),
      seed: (seed as number | null | undefined) ?? null,
      noiseShape: (ns as (number | null)[] | null | undefined) ?? null,
    });
    r.done();
    return layer;
  }
}

registerLayer("Dropout", (config, options) => Dropout.fromConfig(config, options));
