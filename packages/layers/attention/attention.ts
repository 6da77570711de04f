import { gemm, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { getInitializer } from "../initializers/get.ts";
import {
  type CallContext,
  Layer,
  type LayerOptions,
  type OutputStructure,
  type ShapeContext,
} from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { asFloat32 } from "../core/_util.ts";
import { maskScores, softmaxRows, weightedSum } from "./_scores.ts";

/** Options of {@linkcode Attention}. */
export interface AttentionOptions extends LayerOptions {
  /** Create a trainable scalar `scale` multiplying the scores (default false). */
  useScale?: boolean;
  /** `"dot"` (default): query·key; `"concat"`: Σ tanh(query + key), weighted. */
  scoreMode?: "dot" | "concat";
  /** Dropout of the attention weights; training only (no effect at inference). */
  dropout?: number;
  /** Seed of the dropout (kept in the config). */
  seed?: number | null;
  /**
   * Keras 2's constructor flag (tf.keras up to 2.10): apply the causal mask at every call. Keras 3
   * moved it to the call argument `use_causal_mask`; it is written back only when true.
   */
  causal?: boolean;
}

/**
 * Keras `Attention` (Luong-style dot-product attention) on `[query, value]` or
 * `[query, value, key]` (`(batch, Tq, dim)`, `(batch, Tv, dim)`, key defaults to value):
 * scores `query·keyᵀ` (times `scale` with `useScale`; or with `scoreMode: "concat"`,
 * `concat_score_weight · Σ tanh(scale·(q + k))`), masked keys get `−1e9`, softmax over the keys,
 * then the weighted sum of the values; rows of a masked query are zeroed. Call arguments
 * `return_attention_scores` (adds the `(batch, Tq, Tv)` weights as a second output) and
 * `use_causal_mask`. The masks of the query and value inputs are used as Keras uses them; the
 * output carries the query's mask.
 *
 * @example
 * ```ts
 * import { Attention } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const q = Tensor.zeros([2, 5, 4]), v = Tensor.zeros([2, 3, 4]);
 * const [ctx, scores] = new Attention().apply([q, v], {
 *   callArgs: { return_attention_scores: true },
 * }) as Tensor[]; // ctx [2, 5, 4], scores [2, 5, 3]
 * ```
 */
export class Attention extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Attention";
  /** The call arguments this layer implements. */
  override readonly callArguments: readonly string[] = [
    "return_attention_scores",
    "use_causal_mask",
  ];
  /** Whether a `scale` weight multiplies the scores. */
  readonly useScale: boolean;
  /** How scores are computed. */
  readonly scoreMode: "dot" | "concat";
  /** Dropout rate (training only). */
  readonly dropout: number;
  /** Dropout seed. */
  readonly seed: number | null;
  /** Keras 2's `causal` flag: every call is causal. */
  readonly causal: boolean;
  /** The `scale` weight, once built with `useScale`. */
  scale: Variable | null = null;
  /** The `concat_score_weight` weight, once built with `scoreMode: "concat"`. */
  concatScoreWeight: Variable | null = null;

  /** Checks the arguments as Keras does. */
  constructor(options: AttentionOptions = {}) {
    super(options);
    this.useScale = options.useScale ?? false;
    this.scoreMode = options.scoreMode ?? "dot";
    if (this.scoreMode !== "dot" && this.scoreMode !== "concat") {
      throw new RangeError(
        `${this.className} layer "${this.name}": Invalid value for argument score_mode. ` +
          `Expected one of {'dot', 'concat'}. Received: score_mode=${String(this.scoreMode)}`,
      );
    }
    this.dropout = options.dropout ?? 0;
    this.seed = options.seed ?? null;
    this.causal = options.causal ?? false;
    this.supportsMasking = true;
    this.inputSpec = { ndim: 3 };
  }

  /** Refuses anything but 2 or 3 inputs of rank 3 with matching batch and key/value lengths. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    if (shapes.length < 2 || shapes.length > 3) {
      throw new TypeError(
        `${this.className} layer "${this.name}" accepts inputs list of length 2 or 3, namely ` +
          `[query, value] or [query, value, key]. Received length: ${shapes.length}.`,
      );
    }
    super.checkInputs(shapes);
    const [q, v, k = v] = shapes;
    const same = (a: number | null, b: number | null) => a === null || b === null || a === b;
    if (!same(v[1], k[1]) || !same(q[2], k[2])) {
      throw new TypeError(
        `${this.className} layer "${this.name}": value ${shapeToString(v)} and key ` +
          `${shapeToString(k)} must have the same length, and query ${shapeToString(q)} and key ` +
          `the same last axis`,
      );
    }
  }

  /** Creates the weights (see {@linkcode Attention.createWeights}). */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    this.createWeights(inputShapes);
    super.build(inputShapes, context);
  }

  /** Creates `scale` (a scalar) with `useScale` and `concat_score_weight` for `"concat"`. */
  protected createWeights(_inputShapes: readonly Shape[]): void {
    const ones = getInitializer("ones");
    if (this.useScale) this.scale = this.addWeight("scale", [], ones);
    if (this.scoreMode === "concat") {
      this.concatScoreWeight = this.addWeight("concat_score_weight", [], ones);
    }
  }

  /** `(batch, Tq, dim_v)`, then the `(batch, Tq, Tv)` scores when returned. */
  computeOutputShape(inputShapes: readonly Shape[], context: ShapeContext): Shape[] {
    const [q, v] = inputShapes;
    const out: Shape = [...q.slice(0, -1), v[v.length - 1]];
    return context.callArgs?.return_attention_scores === true ? [out, [q[0], q[1], v[1]]] : [out];
  }

  /** One output, or `[output, scores]` with `return_attention_scores`. */
  override outputStructure(context?: ShapeContext): OutputStructure {
    return context?.callArgs?.return_attention_scores === true ? [0, 1] : 0;
  }

  /** The output carries the query's mask; the scores none. */
  override computeMask(
    _inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    return [masks[0] ?? null, null];
  }

  /** Symbolic twin of {@linkcode Attention.computeMask}. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    return [inputsHaveMask[0] === true, false];
  }

  /** The `(Tq × Tv)` scores of batch row `b` into `out` (before masking). */
  protected scores(
    q: Float32Array,
    k: Float32Array,
    b: number,
    tq: number,
    tv: number,
    dim: number,
    out: Float32Array,
  ): void {
    const qo = b * tq * dim, ko = b * tv * dim;
    if (this.scoreMode === "dot") {
      gemm(false, true, tq, tv, dim, q, qo, dim, k, ko, dim, out, 0, tv);
      if (this.scale) {
        const s = this.scale.value.f32[0];
        for (let i = 0; i < out.length; i++) out[i] *= s;
      }
      return;
    }
    const s = this.scale ? this.scale.value.f32[0] : 1;
    const w = this.concatScoreWeight!.value.f32[0];
    for (let i = 0; i < tq; i++) {
      for (let j = 0; j < tv; j++) {
        let sum = 0;
        for (let d = 0; d < dim; d++) {
          const x = Math.fround(q[qo + i * dim + d] + k[ko + j * dim + d]);
          sum += Math.fround(Math.tanh(this.scale ? Math.fround(s * x) : x));
        }
        out[i * tv + j] = w * Math.fround(sum);
      }
    }
  }

  /** Scores, masks, softmax and the weighted sum, one batch row at a time. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const [query, value, key = value] = inputs.map(asFloat32);
    const [batch, tq, dim] = query.shape;
    const [, tv, dv] = value.shape;
    const qMask = context.masks[0] ?? null;
    const vMask = context.masks[1] ?? null;
    const causal = this.causal || context.callArgs?.use_causal_mask === true;
    const out = new Float32Array(batch * tq * dv);
    const weights = new Float32Array(batch * tq * tv);
    const scores = new Float32Array(tq * tv);
    for (let b = 0; b < batch; b++) {
      this.scores(query.f32, key.f32, b, tq, tv, dim, scores);
      maskScores(scores, tq, tv, vMask?.data ?? null, b * tv, causal);
      softmaxRows(scores, tq, tv);
      weights.set(scores, b * tq * tv);
      weightedSum(scores, tq, tv, value.f32, b * tv * dv, dv, out, b * tq * dv);
      if (qMask) {
        for (let i = 0; i < tq; i++) {
          if (qMask.data[b * tq + i] === 0) out.fill(0, (b * tq + i) * dv, (b * tq + i + 1) * dv);
        }
      }
    }
    const result = new Tensor(out, [batch, tq, dv]);
    return context.callArgs?.return_attention_scores === true
      ? [result, new Tensor(weights, [batch, tq, tv])]
      : [result];
  }

  /** Keras 3 config: `use_scale`, `score_mode`, `dropout`, `seed` (and Keras 2's `causal`). */
  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      use_scale: this.useScale,
      score_mode: this.scoreMode,
      dropout: this.dropout,
      seed: this.seed,
    };
    if (this.causal) config.causal = true;
    return config;
  }

  /** Builds an Attention from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Attention {
    const r = new ConfigReader("Attention", config, options);
    const layer = new Attention({
      ...r.baseOptions(),
      useScale: r.boolean("use_scale", false),
      scoreMode: r.string("score_mode", "dot") as "dot" | "concat",
      dropout: r.number("dropout", 0),
      seed: readSeed(r),
      causal: r.boolean("causal", false),
    });
    r.done();
    return layer;
  }
}

/** Reads `seed` (an integer or null). */
export function readSeed(r: ConfigReader): number | null {
  const v = r.raw("seed");
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(
      `${r.className} layer "${r.layerName}", config key "seed": expected an integer or null, ` +
        `received ${JSON.stringify(v)}`,
    );
  }
  return v;
}

registerLayer("Attention", (config, options) => Attention.fromConfig(config, options));
