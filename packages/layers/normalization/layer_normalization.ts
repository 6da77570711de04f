import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { asFloat32, normalizeAxis, readInitializer } from "../core/_util.ts";

/** Options of {@linkcode LayerNormalization} (Keras's arguments in camelCase). */
export interface LayerNormalizationOptions extends LayerOptions {
  /** The axis or axes normalized together (default -1; never the batch axis). */
  axis?: number | readonly number[];
  /** Added to the variance (default 1e-3). */
  epsilon?: number;
  /** Whether to add `beta` (default true). */
  center?: boolean;
  /** Whether to multiply by `gamma` (default true). */
  scale?: boolean;
  /** Keras's deprecated `rms_scaling`: `x / sqrt(var + ε) · gamma`, no centering. */
  rmsScaling?: boolean;
  /** Initializer of `beta` (default `zeros`). */
  betaInitializer?: InitializerSpec;
  /** Initializer of `gamma` (default `ones`). */
  gammaInitializer?: InitializerSpec;
  /** Training only: accepted, kept in the config. */
  betaRegularizer?: unknown;
  /** Training only: accepted, kept in the config. */
  gammaRegularizer?: unknown;
  /** Training only: accepted, kept in the config. */
  betaConstraint?: unknown;
  /** Training only: accepted, kept in the config. */
  gammaConstraint?: unknown;
}

/**
 * Keras `LayerNormalization`: each sample is normalized over `axis` with its own mean and
 * variance (Keras's `E[x²] − E[x]²`, in float32 as its numpy backend computes it), then scaled by
 * `gamma` and shifted by `beta`, whose shape is the input's sizes along `axis`. Weights: `gamma`
 * (if `scale` or `rmsScaling`), then `beta` (if `center` and not `rmsScaling`). A mask passes
 * through.
 *
 * @example
 * ```ts
 * import { LayerNormalization } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new LayerNormalization({ epsilon: 0 }).apply(tensor([[1, 3]])); // [[-1, 1]]
 * ```
 */
export class LayerNormalization extends Layer {
  /** Keras class name. */
  static override readonly className: string = "LayerNormalization";
  /** The axes as configured (a list; may be negative). */
  readonly axis: readonly number[];
  /** Added to the variance. */
  readonly epsilon: number;
  /** Whether `beta` is used. */
  readonly center: boolean;
  /** Whether `gamma` is used. */
  readonly scale: boolean;
  /** Keras's deprecated RMS variant. */
  readonly rmsScaling: boolean;
  /** Initializer of `beta`. */
  readonly betaInitializer: Initializer;
  /** Initializer of `gamma`. */
  readonly gammaInitializer: Initializer;
  /** `gamma`, once built. */
  gamma: Variable | null = null;
  /** `beta`, once built. */
  beta: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Creates the layer. */
  constructor(options: LayerNormalizationOptions = {}) {
    super(options);
    const axis = options.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : [...axis];
    if (list.length === 0 || list.some((a) => !Number.isInteger(a))) {
      throw new TypeError(
        `LayerNormalization layer "${this.name}": axis must be an integer or a non-empty list of integers, received ${
          JSON.stringify(axis)
        }`,
      );
    }
    this.axis = list.sort((a, b) => a - b);
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    this.rmsScaling = options.rmsScaling ?? false;
    this.betaInitializer = getInitializer(options.betaInitializer ?? "zeros");
    this.gammaInitializer = getInitializer(options.gammaInitializer ?? "ones");
    this.#training = {
      beta_regularizer: options.betaRegularizer ?? null,
      gamma_regularizer: options.gammaRegularizer ?? null,
      beta_constraint: options.betaConstraint ?? null,
      gamma_constraint: options.gammaConstraint ?? null,
    };
    this.supportsMasking = true;
  }

  /** The normalized axes of a rank-`rank` input, non-negative and sorted; never the batch. */
  #axesOf(rank: number): number[] {
    const where = `LayerNormalization layer "${this.name}"`;
    const axes = this.axis.map((a) => normalizeAxis(a, rank, where)).sort((a, b) => a - b);
    if (axes[0] === 0 || new Set(axes).size !== axes.length) {
      throw new RangeError(
        `${where}: axis ${
          JSON.stringify(this.axis)
        } must name distinct non-batch axes of a rank-${rank} input`,
      );
    }
    return axes;
  }

  /** Creates `gamma` and `beta` with the input's sizes along `axis`, which must be known. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shape = inputShapes[0];
    const paramShape = this.#axesOf(shape.length).map((a) => shape[a]);
    if (paramShape.some((d) => d === null)) {
      throw new TypeError(
        `LayerNormalization layer "${this.name}": the input's sizes along axis ${
          JSON.stringify(this.axis)
        } must be known, received shape ${shapeToString(shape)}`,
      );
    }
    const dims = paramShape as number[];
    if (this.scale || this.rmsScaling) {
      this.gamma = this.addWeight("gamma", dims, this.gammaInitializer);
    }
    if (this.center && !this.rmsScaling) {
      this.beta = this.addWeight("beta", dims, this.betaInitializer);
    }
    this.inputSpec = { ndim: shape.length };
    super.build(inputShapes, context);
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** Normalizes every group of values that shares the indices outside `axis`. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const shape = x.shape;
    const axes = this.#axesOf(shape.length);
    const normalized = new Set(axes);
    // Walk the input as [groups of the other axes] × [positions along `axis`] through strides,
    // so any set of axes works; the common case (the last axis) is plain contiguous rows.
    const strides = new Array<number>(shape.length);
    let s = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    const groupDims = shape.map((_, d) => d).filter((d) => !normalized.has(d));
    const groups = groupDims.reduce((a, d) => a * shape[d], 1);
    const n = axes.reduce((a, d) => a * shape[d], 1);
    const offsets = new Int32Array(n); // offset of each normalized position within a group
    for (let p = 0; p < n; p++) {
      let rest = p;
      let off = 0;
      for (let k = axes.length - 1; k >= 0; k--) {
        const d = axes[k];
        off += (rest % shape[d]) * strides[d];
        rest = Math.floor(rest / shape[d]);
      }
      offsets[p] = off;
    }
    const src = x.f32;
    const out = new Float32Array(src.length);
    const gamma = this.gamma?.value.f32;
    const beta = this.beta?.value.f32;
    const f = Math.fround;
    const eps = f(this.epsilon);
    for (let g = 0; g < groups; g++) {
      let rest = g;
      let base = 0;
      for (let k = groupDims.length - 1; k >= 0; k--) {
        const d = groupDims[k];
        base += (rest % shape[d]) * strides[d];
        rest = Math.floor(rest / shape[d]);
      }
      let sum = 0;
      let sumSq = 0;
      for (let p = 0; p < n; p++) {
        const v = src[base + offsets[p]];
        sum += v;
        sumSq += f(v * v);
      }
      const mean = f(sum / n);
      const variance = f(f(sumSq / n) - f(mean * mean));
      const inv0 = f(1 / f(Math.sqrt(f(variance + eps))));
      for (let p = 0; p < n; p++) {
        const i = base + offsets[p];
        if (this.rmsScaling) {
          const y = f(src[i] * inv0);
          out[i] = gamma ? y * gamma[p] : y;
          continue;
        }
        const inv = gamma ? f(inv0 * gamma[p]) : inv0;
        let res = f(-mean * inv);
        if (beta) res = f(res + beta[p]);
        out[i] = f(src[i] * inv) + res;
      }
    }
    return [new Tensor(out, shape)];
  }

  /** Keras 3 config, key for key (`axis` as a list, as Keras writes it once built). */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      beta_regularizer: this.#training.beta_regularizer,
      gamma_regularizer: this.#training.gamma_regularizer,
      beta_constraint: this.#training.beta_constraint,
      gamma_constraint: this.#training.gamma_constraint,
    };
  }

  /** Builds a LayerNormalization from its Keras config (Keras 3 or Keras 2 form). */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): LayerNormalization {
    const r = new ConfigReader("LayerNormalization", config, options);
    const axis = r.raw("axis") ?? -1;
    if (typeof axis !== "number" && !Array.isArray(axis)) {
      throw new TypeError(
        `LayerNormalization layer "${r.layerName}", config key "axis": expected an integer or a list, received ${
          JSON.stringify(axis)
        }`,
      );
    }
    const layer = new LayerNormalization({
      ...r.baseOptions(),
      axis: axis as number | number[],
      epsilon: r.number("epsilon", 1e-3),
      center: r.boolean("center", true),
      scale: r.boolean("scale", true),
      rmsScaling: r.boolean("rms_scaling", false),
      betaInitializer: readInitializer(r, "beta_initializer", "zeros"),
      gammaInitializer: readInitializer(r, "gamma_initializer", "ones"),
      betaRegularizer: r.raw("beta_regularizer"),
      gammaRegularizer: r.raw("gamma_regularizer"),
      betaConstraint: r.raw("beta_constraint"),
      gammaConstraint: r.raw("gamma_constraint"),
    });
    r.done();
    return layer;
  }
}

registerLayer(
  "LayerNormalization",
  (config, options) => LayerNormalization.fromConfig(config, options),
);
