import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { asFloat32, normalizeAxis, readInitializer } from "../core/_util.ts";
import { axisBlock } from "./_axes.ts";

/** Options of {@linkcode BatchNormalization} (Keras's arguments in camelCase). */
export interface BatchNormalizationOptions extends LayerOptions {
  /** The feature axis, normalized per index (default -1; never the batch axis). */
  axis?: number;
  /** Training only: accepted, kept in the config (default 0.99). */
  momentum?: number;
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  /** Whether to add `beta` (default true). */
  center?: boolean;
  /** Whether to multiply by `gamma` (default true). */
  scale?: boolean;
  /** Initializer of `beta` (default `zeros`). */
  betaInitializer?: InitializerSpec;
  /** Initializer of `gamma` (default `ones`). */
  gammaInitializer?: InitializerSpec;
  /** Initializer of `moving_mean` (default `zeros`). */
  movingMeanInitializer?: InitializerSpec;
  /** Initializer of `moving_variance` (default `ones`). */
  movingVarianceInitializer?: InitializerSpec;
  /** Training only: accepted, kept in the config. */
  betaRegularizer?: unknown;
  /** Training only: accepted, kept in the config. */
  gammaRegularizer?: unknown;
  /** Training only: accepted, kept in the config. */
  betaConstraint?: unknown;
  /** Training only: accepted, kept in the config. */
  gammaConstraint?: unknown;
  /** Training only (cross-replica statistics): accepted, kept in the config. */
  synchronized?: boolean;
}

/**
 * Keras `BatchNormalization` at inference (as in `predict()`): every index `c` of `axis` is
 * normalized with the stored statistics, `(x − moving_mean) / sqrt(moving_variance + ε) · gamma +
 * beta`, computed as Keras's numpy backend does (`x·inv + (beta − mean·inv)` in float32). Weights:
 * `gamma` (if `scale`), `beta` (if `center`), then the non-trainable `moving_mean` and
 * `moving_variance`. A mask passes through. Batch renormalization (`renorm`) is refused.
 *
 * @example
 * ```ts
 * import { BatchNormalization } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const bn = new BatchNormalization({ epsilon: 0 });
 * bn.apply(tensor([[1, 2]])); // [[1, 2]] with the initial statistics (mean 0, variance 1)
 * ```
 */
export class BatchNormalization extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;
  /** Keras's `call` takes `training` (default `null`). */
  override readonly callTrainingDefault: boolean | null | undefined = null;

  /** Keras class name. */
  static override readonly className: string = "BatchNormalization";
  /** The feature axis as configured (may be negative). */
  readonly axis: number;
  /** Training only. */
  readonly momentum: number;
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether `beta` exists. */
  readonly center: boolean;
  /** Whether `gamma` exists. */
  readonly scale: boolean;
  /** Initializers, in Keras's config order. */
  readonly initializers: {
    beta: Initializer;
    gamma: Initializer;
    movingMean: Initializer;
    movingVariance: Initializer;
  };
  /** `gamma`, once built with `scale`. */
  gamma: Variable | null = null;
  /** `beta`, once built with `center`. */
  beta: Variable | null = null;
  /** `moving_mean`, once built. */
  movingMean: Variable | null = null;
  /** `moving_variance`, once built. */
  movingVariance: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Creates the layer. */
  constructor(options: BatchNormalizationOptions = {}) {
    super(options);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis) || axis === 0) {
      throw new RangeError(
        `BatchNormalization layer "${this.name}": axis must be a non-zero integer (axis 0 is the batch), received ${axis}`,
      );
    }
    this.axis = axis;
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.initializers = {
      beta: getInitializer(options.betaInitializer ?? "zeros"),
      gamma: getInitializer(options.gammaInitializer ?? "ones"),
      movingMean: getInitializer(options.movingMeanInitializer ?? "zeros"),
      movingVariance: getInitializer(options.movingVarianceInitializer ?? "ones"),
    };
    this.#training = {
      beta_regularizer: options.betaRegularizer ?? null,
      gamma_regularizer: options.gammaRegularizer ?? null,
      beta_constraint: options.betaConstraint ?? null,
      gamma_constraint: options.gammaConstraint ?? null,
      synchronized: options.synchronized ?? false,
    };
    this.supportsMasking = true;
  }

  #axisOf(rank: number): number {
    const a = normalizeAxis(this.axis, rank, `BatchNormalization layer "${this.name}"`);
    if (a === 0) {
      throw new RangeError(
        `BatchNormalization layer "${this.name}": axis ${this.axis} is the batch axis of a rank-${rank} input`,
      );
    }
    return a;
  }

  /** Creates the weights, each of shape `(input_shape[axis],)`, which must be known. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shape = inputShapes[0];
    const size = shape[this.#axisOf(shape.length)];
    if (size === null || size === undefined) {
      throw new TypeError(
        `BatchNormalization layer "${this.name}": axis ${this.axis} of the input must be known, received shape ${
          shapeToString(shape)
        }`,
      );
    }
    const init = this.initializers;
    if (this.scale) this.gamma = this.addWeight("gamma", [size], init.gamma);
    if (this.center) this.beta = this.addWeight("beta", [size], init.beta);
    this.movingMean = this.addWeight("moving_mean", [size], init.movingMean, false);
    this.movingVariance = this.addWeight("moving_variance", [size], init.movingVariance, false);
    this.inputSpec = { ndim: shape.length };
    super.build(inputShapes, context);
  }

  /** Checks the rank, and once built the size of the feature axis. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    super.checkInputs(shapes);
    if (!this.movingMean) return;
    const want = this.movingMean.shape[0];
    shapes.forEach((shape, i) => {
      const got = shape[this.#axisOf(shape.length)];
      if (got !== null && got !== want) {
        throw new TypeError(
          `Input ${i} of layer "${this.name}" is incompatible with the layer: expected axis ${this.axis} of input shape to have value ${want}, but received input with shape ${
            shapeToString(shape)
          }`,
        );
      }
    });
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /**
   * The per-index factor and offset: `inv = gamma / sqrt(var + ε)` and `res = beta − mean·inv`,
   * each step rounded to float32 as numpy does. `y = x·inv + res`.
   */
  foldedScaleOffset(): { inv: Float32Array; res: Float32Array } {
    const mean = this.movingMean!.value.f32;
    const variance = this.movingVariance!.value.f32;
    const gamma = this.gamma?.value.f32;
    const beta = this.beta?.value.f32;
    const eps = Math.fround(this.epsilon);
    const f = Math.fround;
    const inv = new Float32Array(mean.length);
    const res = new Float32Array(mean.length);
    for (let c = 0; c < mean.length; c++) {
      let k = f(1 / f(Math.sqrt(f(variance[c] + eps))));
      if (gamma) k = f(k * gamma[c]);
      let r = f(-mean[c] * k);
      if (beta) r = f(r + beta[c]);
      inv[c] = k;
      res[c] = r;
    }
    return { inv, res };
  }

  /** Normalizes with the moving statistics. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const axis = this.#axisOf(x.shape.length);
    const { inv, res } = this.foldedScaleOffset();
    const { outer, size, inner } = axisBlock(x.shape, [axis])!;
    const src = x.f32;
    const out = new Float32Array(src.length);
    const f = Math.fround;
    let i = 0;
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < size; c++) {
        const k = inv[c];
        const r = res[c];
        for (let j = 0; j < inner; j++, i++) out[i] = f(src[i] * k) + r;
      }
    }
    return [new Tensor(out, x.shape)];
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    const init = this.initializers;
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(init.beta),
      gamma_initializer: serializeInitializer(init.gamma),
      moving_mean_initializer: serializeInitializer(init.movingMean),
      moving_variance_initializer: serializeInitializer(init.movingVariance),
      beta_regularizer: this.#training.beta_regularizer,
      gamma_regularizer: this.#training.gamma_regularizer,
      beta_constraint: this.#training.beta_constraint,
      gamma_constraint: this.#training.gamma_constraint,
      synchronized: this.#training.synchronized,
      renorm: false,
      renorm_clipping: null,
      renorm_momentum: 0.99,
    };
  }

  /**
   * Builds a BatchNormalization from its Keras config. Keras 2 writes `axis` as a one-element
   * list (`[2]`), read as that axis.
   */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): BatchNormalization {
    const r = new ConfigReader("BatchNormalization", config, options);
    const where = `BatchNormalization layer "${r.layerName}"`;
    let axis = r.raw("axis") ?? -1;
    if (Array.isArray(axis)) {
      if (axis.length !== 1) {
        throw new TypeError(
          `${where}: axis=${
            JSON.stringify(axis)
          } normalizes over several axes, which Kerno does not support (one feature axis only)`,
        );
      }
      axis = axis[0];
    }
    if (typeof axis !== "number") {
      throw new TypeError(`${where}, config key "axis": expected an integer, received ${axis}`);
    }
    if (r.boolean("renorm", false)) {
      throw new TypeError(
        `${where}: renorm=true (batch renormalization) is not supported; re-save the model without it`,
      );
    }
    r.trainingOnly("renorm_clipping", "renorm_momentum", "fused", "adjustment");
    const vbs = r.raw("virtual_batch_size");
    if (vbs !== undefined && vbs !== null) {
      throw new TypeError(`${where}: virtual_batch_size=${vbs} is not supported`);
    }
    const layer = new BatchNormalization({
      ...r.baseOptions(),
      axis,
      momentum: r.number("momentum", 0.99),
      epsilon: r.number("epsilon", 1e-3),
      center: r.boolean("center", true),
      scale: r.boolean("scale", true),
      betaInitializer: readInitializer(r, "beta_initializer", "zeros"),
      gammaInitializer: readInitializer(r, "gamma_initializer", "ones"),
      movingMeanInitializer: readInitializer(r, "moving_mean_initializer", "zeros"),
      movingVarianceInitializer: readInitializer(r, "moving_variance_initializer", "ones"),
      betaRegularizer: r.raw("beta_regularizer"),
      gammaRegularizer: r.raw("gamma_regularizer"),
      betaConstraint: r.raw("beta_constraint"),
      gammaConstraint: r.raw("gamma_constraint"),
      synchronized: r.boolean("synchronized", false),
    });
    r.done();
    return layer;
  }
}

registerLayer(
  "BatchNormalization",
  (config, options) => BatchNormalization.fromConfig(config, options),
);
