import { getInitializer } from "../initializers/get.ts";
import { ConfigReader } from "../config_reader.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { Attention, type AttentionOptions, readSeed } from "./attention.ts";

/** Options of {@linkcode AdditiveAttention}. */
export interface AdditiveAttentionOptions extends Omit<AttentionOptions, "scoreMode"> {}

/**
 * Keras `AdditiveAttention` (Bahdanau-style): as {@linkcode Attention}, with the scores
 * `Σ_d scale[d]·tanh(query[d] + key[d])` (`scale` is a `(dim,)` weight with `useScale`, the
 * default; without it the plain sum).
 *
 * @example
 * ```ts
 * import { AdditiveAttention } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const ctx = new AdditiveAttention().apply([Tensor.zeros([1, 5, 4]), Tensor.zeros([1, 3, 4])]);
 * ```
 */
export class AdditiveAttention extends Attention {
  /** Keras class name. */
  static override readonly className: string = "AdditiveAttention";

  /** `useScale` defaults to true. */
  constructor(options: AdditiveAttentionOptions = {}) {
    super({ ...options, useScale: options.useScale ?? true, scoreMode: "dot" });
  }

  /** Creates `scale` `(dim,)` with `useScale`. */
  protected override createWeights(inputShapes: readonly Shape[]): void {
    const q = inputShapes[0];
    const dim = q[q.length - 1];
    if (this.useScale) {
      if (dim === null) {
        throw new TypeError(
          `AdditiveAttention layer "${this.name}": the last axis of the query must be known`,
        );
      }
      this.scale = this.addWeight("scale", [dim], getInitializer("glorot_uniform"));
    }
  }

  /** `Σ_d scale[d]·tanh(q[d] + k[d])` for every (query, key) pair of batch row `b`. */
  protected override scores(
    q: Float32Array,
    k: Float32Array,
    b: number,
    tq: number,
    tv: number,
    dim: number,
    out: Float32Array,
  ): void {
    const qo = b * tq * dim, ko = b * tv * dim;
    const scale = this.scale?.value.f32 ?? null;
    for (let i = 0; i < tq; i++) {
      for (let j = 0; j < tv; j++) {
        let sum = 0;
        for (let d = 0; d < dim; d++) {
          const t = Math.fround(Math.tanh(Math.fround(q[qo + i * dim + d] + k[ko + j * dim + d])));
          sum += scale ? Math.fround(scale[d] * t) : t;
        }
        out[i * tv + j] = sum;
      }
    }
  }

  /** Keras 3 config: `use_scale`, `dropout`, `seed` (no `score_mode`). */
  override getConfig(): Record<string, unknown> {
    const { score_mode: _s, ...rest } = super.getConfig();
    return rest;
  }

  /** Builds an AdditiveAttention from its Keras config. */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): AdditiveAttention {
    const r = new ConfigReader("AdditiveAttention", config, options);
    const layer = new AdditiveAttention({
      ...r.baseOptions(),
      useScale: r.boolean("use_scale", true),
      dropout: r.number("dropout", 0),
      seed: readSeed(r),
      causal: r.boolean("causal", false),
    });
    r.done();
    return layer;
  }
}

registerLayer(
  "AdditiveAttention",
  (config, options) => AdditiveAttention.fromConfig(config, options),
);
