import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";

/** Checks a rate or standard deviation in [0, 1], as Keras does. */
function checkUnit(layer: Layer, key: string, value: number): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new RangeError(
      `${layer.className} layer "${layer.name}": ${key} must be a number between 0 and 1, received ${value}`,
    );
  }
  return value;
}

function readSeed(r: ConfigReader): number | null {
  const seed = r.raw("seed");
  if (seed === undefined || seed === null) return null;
  if (!Number.isInteger(seed)) {
    throw new TypeError(
      `${r.className} layer "${r.layerName}", config key "seed": expected an integer or null, received ${
        JSON.stringify(seed)
      }`,
    );
  }
  return seed as number;
}

/**
 * The base of the layers that only act during training and so are identities in `predict()`:
 * built at creation, output = input (same data), a mask passes through.
 */
export abstract class IdentityAtInference extends Layer {
  /** Keras's `call` takes `training` (default `false`). */
  override readonly callTrainingDefault: boolean | null | undefined = false;

  /** Sets the common options. */
  constructor(options: LayerOptions) {
    super(options);
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** The identity: a new tensor over the same data. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    return [new Tensor(inputs[0].data, inputs[0].shape)];
  }
}

/** Options of the dropout-like identity layers. */
export interface RateOptions extends LayerOptions {
  /** Seed of the noise (training only). */
  seed?: number | null;
}

/**
 * Keras `SpatialDropout1D(rate)`: drops whole feature channels of `[batch, time, features]`
 * during training; the identity in `predict()`. A mask passes through.
 *
 * @example
 * ```ts
 * import { SpatialDropout1D } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new SpatialDropout1D(0.3).apply(tensor([[[1, 2]]])); // [[[1, 2]]]
 * ```
 */
export class SpatialDropout1D extends IdentityAtInference {
  /** Keras class name. */
  static override readonly className: string = "SpatialDropout1D";
  /** Fraction of channels dropped during training. */
  readonly rate: number;
  /** Seed, or null. */
  readonly seed: number | null;

  /** Creates the layer; `rate` must be in [0, 1]. */
  constructor(rate: number, options: RateOptions = {}) {
    super(options);
    this.rate = checkUnit(this, "rate", rate);
    this.seed = options.seed ?? null;
    this.inputSpec = { ndim: 3 };
  }

  /** Keras 3 config: `rate`, `seed`, `name`, `dtype` (this class writes no `trainable`). */
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed, name: this.name, dtype: "float32" };
  }

  /** Builds a SpatialDropout1D from its Keras 3 or Keras 2 config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): SpatialDropout1D {
    const r = new ConfigReader("SpatialDropout1D", config, options);
    r.trainingOnly("noise_shape");
    const layer = new SpatialDropout1D(r.number("rate"), {
      ...r.baseOptions(),
      seed: readSeed(r),
    });
    r.done();
    return layer;
  }
}

/**
 * Keras `GaussianNoise(stddev)`: adds zero-mean noise during training; the identity in
 * `predict()`. A mask passes through.
 *
 * @example
 * ```ts
 * import { GaussianNoise } from "@kerno/layers";
 * const noise = new GaussianNoise(0.1); // identity at inference
 * ```
 */
export class GaussianNoise extends IdentityAtInference {
  /** Keras class name. */
  static override readonly className: string = "GaussianNoise";
  /** Standard deviation of the training noise. */
  readonly stddev: number;
  /** Seed, or null. */
  readonly seed: number | null;

  /** Creates the layer; `stddev` must be in [0, 1] (Keras's check). */
  constructor(stddev: number, options: RateOptions = {}) {
    super(options);
    this.stddev = checkUnit(this, "stddev", stddev);
    this.seed = options.seed ?? null;
  }

  /** Keras 3 config: the base keys, `stddev`, `seed`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }

  /** Builds a GaussianNoise from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GaussianNoise {
    const r = new ConfigReader("GaussianNoise", config, options);
    const layer = new GaussianNoise(r.number("stddev"), { ...r.baseOptions(), seed: readSeed(r) });
    r.done();
    return layer;
  }
}

/**
 * Keras `GaussianDropout(rate)`: multiplies by noise of mean 1 during training; the identity in
 * `predict()`. A mask passes through.
 *
 * @example
 * ```ts
 * import { GaussianDropout } from "@kerno/layers";
 * const drop = new GaussianDropout(0.3); // identity at inference
 * ```
 */
export class GaussianDropout extends IdentityAtInference {
  /** Keras class name. */
  static override readonly className: string = "GaussianDropout";
  /** Drop probability the training noise stands for. */
  readonly rate: number;
  /** Seed, or null. */
  readonly seed: number | null;

  /** Creates the layer; `rate` must be in [0, 1]. */
  constructor(rate: number, options: RateOptions = {}) {
    super(options);
    this.rate = checkUnit(this, "rate", rate);
    this.seed = options.seed ?? null;
  }

  /** Keras 3 config: the base keys, `rate`, `seed`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }

  /** Builds a GaussianDropout from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GaussianDropout {
    const r = new ConfigReader("GaussianDropout", config, options);
    const layer = new GaussianDropout(r.number("rate"), {
      ...r.baseOptions(),
      seed: readSeed(r),
    });
    r.done();
    return layer;
  }
}

/** Options of {@linkcode AlphaDropout}. */
export interface AlphaDropoutOptions extends RateOptions {
  /** Shape of the training noise, `null` = the input's (training only). */
  noiseShape?: readonly (number | null)[] | null;
}

/**
 * Keras `AlphaDropout(rate)`: the self-normalizing dropout of SELU networks during training; the
 * identity in `predict()`. A mask passes through.
 *
 * @example
 * ```ts
 * import { AlphaDropout } from "@kerno/layers";
 * const drop = new AlphaDropout(0.2); // identity at inference
 * ```
 */
export class AlphaDropout extends IdentityAtInference {
  /** Keras class name. */
  static override readonly className: string = "AlphaDropout";
  /** Drop probability during training. */
  readonly rate: number;
  /** Seed, or null. */
  readonly seed: number | null;
  /** Shape of the training noise, or null. */
  readonly noiseShape: readonly (number | null)[] | null;

  /** Creates the layer; `rate` must be in [0, 1]. */
  constructor(rate: number, options: AlphaDropoutOptions = {}) {
    super(options);
    this.rate = checkUnit(this, "rate", rate);
    this.seed = options.seed ?? null;
    this.noiseShape = options.noiseShape ? [...options.noiseShape] : null;
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

  /** Builds an AlphaDropout from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): AlphaDropout {
    const r = new ConfigReader("AlphaDropout", config, options);
    const ns = r.raw("noise_shape");
    if (ns !== undefined && ns !== null && !Array.isArray(ns)) {
      throw new TypeError(
        `AlphaDropout layer "${r.layerName}", config key "noise_shape": expected a list or null, received ${
          JSON.stringify(ns)
        }`,
      );
    }
    const layer = new AlphaDropout(r.number("rate"), {
      ...r.baseOptions(),
      seed: readSeed(r),
      noiseShape: (ns as (number | null)[] | null | undefined) ?? null,
    });
    r.done();
    return layer;
  }
}

/** Options of {@linkcode ActivityRegularization}. */
export interface ActivityRegularizationOptions extends LayerOptions {
  /** L1 factor of the training loss (default 0). */
  l1?: number;
  /** L2 factor of the training loss (default 0). */
  l2?: number;
}

/**
 * Keras `ActivityRegularization`: adds an L1/L2 penalty on its input to the training loss; the
 * identity in `predict()`. A mask passes through.
 *
 * @example
 * ```ts
 * import { ActivityRegularization } from "@kerno/layers";
 * const reg = new ActivityRegularization({ l1: 0.01 }); // identity at inference
 * ```
 */
export class ActivityRegularization extends IdentityAtInference {
  /** Keras's `call` has no `training` argument. */
  override readonly callTrainingDefault: boolean | null | undefined = undefined;

  /** Keras class name. */
  static override readonly className: string = "ActivityRegularization";
  /** L1 factor. */
  readonly l1: number;
  /** L2 factor. */
  readonly l2: number;

  /** Creates the layer. */
  constructor(options: ActivityRegularizationOptions = {}) {
    super(options);
    this.l1 = options.l1 ?? 0;
    this.l2 = options.l2 ?? 0;
  }

  /** Keras 3 config: the base keys, `l1`, `l2`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }

  /** Builds an ActivityRegularization from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): ActivityRegularization {
    const r = new ConfigReader("ActivityRegularization", config, options);
    r.trainingOnly("activity_regularizer");
    const layer = new ActivityRegularization({
      ...r.baseOptions(),
      l1: r.number("l1", 0),
      l2: r.number("l2", 0),
    });
    r.done();
    return layer;
  }
}

registerLayer(
  "SpatialDropout1D",
  (config, options) => SpatialDropout1D.fromConfig(config, options),
);
registerLayer("GaussianNoise", (config, options) => GaussianNoise.fromConfig(config, options));
registerLayer("GaussianDropout", (config, options) => GaussianDropout.fromConfig(config, options));
registerLayer("AlphaDropout", (config, options) => AlphaDropout.fromConfig(config, options));
registerLayer(
  "ActivityRegularization",
  (config, options) => ActivityRegularization.fromConfig(config, options),
);
