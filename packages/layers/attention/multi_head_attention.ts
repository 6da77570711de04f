import { type F32, gemm, getActivation, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
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
import { asFloat32, readInitializer } from "../core/_util.ts";
import { readSeed } from "./attention.ts";

const softmax = getActivation("softmax");
const sigmoid = getActivation("sigmoid");
/** What Keras's numpy `dot_product_attention` writes at masked logits (0.7 × float32 max). */
const DPA_MASKED = Math.fround(3.38953e38 * -0.7);

/** Options of {@linkcode MultiHeadAttention} (Keras's arguments in camelCase). */
export interface MultiHeadAttentionOptions extends LayerOptions {
  /** Size of each head for the values (default `keyDim`). */
  valueDim?: number | null;
  /** Dropout of the attention weights; training only. */
  dropout?: number;
  /** Whether the projections have biases (default true). */
  useBias?: boolean;
  /** Gate the attention output with `sigmoid(query·gate_kernel + gate_bias)` (default false). */
  useGate?: boolean;
  /** Size of the output's last axis (default: the query's); one integer. */
  outputShape?: number | number[] | null;
  /** Only `null` or `[1]` (attention over the time axis of 3D inputs). */
  attentionAxes?: number | number[] | null;
  /** Each query sees the keys within `slidingWindow − 1` positions (default none). */
  slidingWindow?: number | null;
  /** Initializer of the kernels (default `glorot_uniform`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the biases (default `zeros`). */
  biasInitializer?: InitializerSpec;
  /** Training only: kept in the config. */
  kernelRegularizer?: unknown;
  /** Training only: kept in the config. */
  biasRegularizer?: unknown;
  /** Training only: kept in the config. */
  activityRegularizer?: unknown;
  /** Training only: kept in the config. */
  kernelConstraint?: unknown;
  /** Training only: kept in the config. */
  biasConstraint?: unknown;
  /** Dropout seed (kept in the config). */
  seed?: number | null;
}

/**
 * One projection of {@linkcode MultiHeadAttention} (Keras builds an `EinsumDense` for each):
 * it owns `kernel` and `bias` under its own name (`query`, `key`, `value`, `gate`,
 * `attention_output`). Internal; the attention layer runs the products.
 */
class Projection extends Layer {
  static override readonly className: string = "EinsumDense";
  kernel!: Variable;
  bias: Variable | null = null;

  constructor(
    name: string,
    kernelShape: number[],
    biasShape: number[] | null,
    kernelInit: Initializer,
    biasInit: Initializer,
  ) {
    super({ name });
    this.kernel = this.addWeight("kernel", kernelShape, kernelInit);
    if (biasShape) this.bias = this.addWeight("bias", biasShape, biasInit);
    this.built = true;
  }

  computeOutputShape(): Shape[] {
    throw new Error("Projection is run by its MultiHeadAttention layer");
  }

  call(): Tensor[] {
    throw new Error("Projection is run by its MultiHeadAttention layer");
  }

  /**
   * `out[rows × n] = x[rows × k]·kernel + bias`, one gemm; `k` is the product of the kernel's
   * first `contracted` axes.
   */
  project(x: F32, rows: number, out: F32, contracted = 1): void {
    const k = this.kernel.shape.slice(0, contracted).reduce((a, b) => a * b, 1);
    const n = this.kernel.value.size / k;
    // deno-fmt-ignore
    gemm(false, false, rows, n, k, x, 0, k, this.kernel.value.f32, 0, n, out, 0, n, 1, 0,
      this.bias?.value.f32);
  }
}

/**
 * Keras `MultiHeadAttention` on 3D inputs: `query` `(batch, T, dim)`, `value` `(batch, S, dim_v)`
 * and an optional `key` (default `value`), called as `apply([query, value])` or
 * `apply([query, value, key])`. Each input is projected to `numHeads` heads (`query`/`key` of
 * `keyDim`, `value` of `valueDim`), scores `q·kᵀ/√keyDim` are masked and softmaxed over the keys,
 * the heads' weighted values are projected back by `attention_output` to the query's last axis
 * (or `outputShape`). Masks: the query's, value's and key's masks, `use_causal_mask`, and
 * `slidingWindow` combine as in Keras; the output carries the query's mask. With
 * `return_attention_scores` the `(batch, heads, T, S)` weights are a second output.
 *
 * Weights: `query`/`key`/`value` kernel `(dim, heads, key_dim)` and bias `(heads, key_dim)`,
 * then `attention_output` kernel `(heads, value_dim, out)` and bias `(out)`.
 *
 * @example
 * ```ts
 * import { MultiHeadAttention } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const x = Tensor.zeros([2, 5, 4]);
 * const y = new MultiHeadAttention(2, 4).apply([x, x]) as Tensor; // shape [2, 5, 4]
 * ```
 */
export class MultiHeadAttention extends Layer {
  /** Keras class name. */
  static override readonly className: string = "MultiHeadAttention";
  /** The call arguments this layer implements. */
  override readonly callArguments: readonly string[] = [
    "return_attention_scores",
    "use_causal_mask",
  ];
  /** Keras calls it as `mha(query, value, key)`. */
  override readonly callTakesInputsPositionally: boolean = true;
  /** Number of heads. */
  readonly numHeads: number;
  /** Size of a query/key head. */
  readonly keyDim: number;
  /** Size of a value head. */
  readonly valueDim: number;
  /** Dropout rate (training only). */
  readonly dropout: number;
  /** Whether the projections have biases. */
  readonly useBias: boolean;
  /** Whether the output is gated. */
  readonly useGate: boolean;
  /** The `output_shape` argument as given (a list), or null. */
  readonly outputShape: number[] | null;
  /** `null` until built, then `[1]` (as Keras records it). */
  attentionAxes: number[] | null;
  /** Sliding-window width, or null. */
  readonly slidingWindow: number | null;
  /** Kernel initializer. */
  readonly kernelInitializer: Initializer;
  /** Bias initializer. */
  readonly biasInitializer: Initializer;
  /** Dropout seed. */
  readonly seed: number | null;
  readonly #training: Record<string, unknown>;
  #projections: [string, Projection][] = [];
  #keyGiven = false;

  /** `numHeads` heads of `keyDim`. */
  constructor(numHeads: number, keyDim: number, options: MultiHeadAttentionOptions = {}) {
    super(options);
    const where = `MultiHeadAttention layer "${this.name}"`;
    for (const [name, v] of [["num_heads", numHeads], ["key_dim", keyDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new RangeError(`${where}: ${name} must be a positive integer, received ${v}`);
      }
    }
    this.numHeads = numHeads;
    this.keyDim = keyDim;
    this.valueDim = options.valueDim || keyDim;
    this.dropout = options.dropout ?? 0;
    this.useBias = options.useBias ?? true;
    this.useGate = options.useGate ?? false;
    const os = options.outputShape;
    this.outputShape = os === undefined || os === null ? null : typeof os === "number" ? [os] : [
      ...os,
    ];
    if (this.outputShape && this.outputShape.length !== 1) {
      throw new TypeError(
        `${where}: output_shape=${JSON.stringify(os)} is not supported (only one integer: the ` +
          `size of the output's last axis)`,
      );
    }
    const axes = options.attentionAxes;
    this.attentionAxes = axes === undefined || axes === null
      ? null
      : typeof axes === "number"
      ? [axes]
      : [...axes];
    if (this.attentionAxes && !(this.attentionAxes.length === 1 && this.attentionAxes[0] === 1)) {
      throw new TypeError(
        `${where}: attention_axes=${JSON.stringify(axes)} is not supported (Kerno attends over ` +
          `axis 1 of 3D inputs only)`,
      );
    }
    const w = options.slidingWindow ?? null;
    if (w !== null && (!Number.isInteger(w) || w <= 0)) {
      throw new RangeError(
        `${where}: \`sliding_window\` must be \`None\` or a positive integer. Received: ` +
          `sliding_window=${w}`,
      );
    }
    this.slidingWindow = w;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? "glorot_uniform");
    this.biasInitializer = getInitializer(options.biasInitializer ?? "zeros");
    this.seed = options.seed ?? null;
    this.#training = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
    this.supportsMasking = true;
    this.inputSpec = { ndim: 3 };
  }

  /** Two or three 3D inputs; value and key of the same length. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    if (shapes.length < 2 || shapes.length > 3) {
      throw new TypeError(
        `MultiHeadAttention layer "${this.name}" is called as (query, value) or (query, value, ` +
          `key): expected 2 or 3 inputs, received ${shapes.length}`,
      );
    }
    super.checkInputs(shapes);
    const [, v, k = v] = shapes;
    if (v[1] !== null && k[1] !== null && v[1] !== k[1]) {
      throw new TypeError(
        `MultiHeadAttention layer "${this.name}": All dimensions of \`value\` and \`key\`, ` +
          `except the last one, must be equal. Received: value_shape=${shapeToString(v)} and ` +
          `key_shape=${shapeToString(k)}`,
      );
    }
  }

  /** Creates the projections: query, key, (gate), value, attention_output. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const [q, v, k = v] = inputShapes;
    const last = (s: Shape, what: string): number => {
      const d = s[s.length - 1];
      if (d === null) {
        throw new TypeError(
          `MultiHeadAttention layer "${this.name}": the last axis of the ${what} must be known, ` +
            `received ${shapeToString(s)}`,
        );
      }
      return d;
    };
    const [qd, vd, kd] = [last(q, "query"), last(v, "value"), last(k, "key")];
    const n = this.numHeads;
    const make = (name: string, kernel: number[], bias: number[]) =>
      new Projection(
        name,
        kernel,
        this.useBias ? bias : null,
        this.kernelInitializer,
        this.biasInitializer,
      );
    const list: [string, Projection][] = [
      ["query_dense", make("query", [qd, n, this.keyDim], [n, this.keyDim])],
      ["key_dense", make("key", [kd, n, this.keyDim], [n, this.keyDim])],
    ];
    if (this.useGate) {
      list.push(["gate_dense", make("gate", [qd, n, this.valueDim], [n, this.valueDim])]);
    }
    list.push(["value_dense", make("value", [vd, n, this.valueDim], [n, this.valueDim])]);
    const out = this.outputShape ? this.outputShape[0] : qd;
    list.push(["output_dense", make("attention_output", [n, this.valueDim, out], [out])]);
    for (const [, p] of list) p.parent = this;
    this.#projections = list;
    this.#keyGiven = inputShapes.length === 3;
    this.attentionAxes = [1];
    super.build(inputShapes, context);
  }

  #proj(attr: string): Projection {
    return this.#projections.find(([a]) => a === attr)![1];
  }

  /** The projections under Keras's attribute names (`query_dense`, …). */
  override children(): [string, Layer | Layer[]][] {
    return this.#projections;
  }

  /** `(batch, T, out)`, then `(batch, heads, T, T)` scores as Keras declares them. */
  computeOutputShape(inputShapes: readonly Shape[], context: ShapeContext): Shape[] {
    const q = inputShapes[0];
    const out: Shape = [...q.slice(0, -1), this.outputShape ? this.outputShape[0] : q[2]];
    return context.callArgs?.return_attention_scores === true
      ? [out, [q[0], this.numHeads, q[1], q[1]]]
      : [out];
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

  /** Symbolic twin of {@linkcode MultiHeadAttention.computeMask}. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    return [inputsHaveMask[0] === true, false];
  }

  /** Keras's `build_config`: `{shapes_dict: {query_shape, value_shape[, key_shape]}}`. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    const s = this.buildShapes;
    if (!s) return undefined;
    const dict: Record<string, unknown> = { query_shape: s[0], value_shape: s[1] };
    if (this.#keyGiven) dict.key_shape = s[2];
    return { shapes_dict: dict };
  }

  /** Projections (one gemm each), masked softmax per head, weighted values, output projection. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const [query, value, key = value] = inputs.map(asFloat32);
    const [batch, T] = query.shape;
    const S = value.shape[1];
    const n = this.numHeads, dk = this.keyDim, dv = this.valueDim;
    const qMask = context.masks[0] ?? null;
    const vMask = context.masks[1] ?? null;
    const kMask = inputs.length === 3 ? context.masks[2] ?? null : null;
    const causal = context.callArgs?.use_causal_mask === true;
    const returnScores = context.callArgs?.return_attention_scores === true;
    // Keras's numpy backend takes the fused dot_product_attention path unless it must return
    // the scores (or drop out): masked logits become 0.7·(−float32 max) and a fully masked
    // row stays uniform; the explicit path uses −1e9 and then zeroes masked weights.
    const explicit = returnScores || this.dropout > 0;
    const qp = new Float32Array(batch * T * n * dk);
    const kp = new Float32Array(batch * S * n * dk);
    const vp = new Float32Array(batch * S * n * dv);
    this.#proj("query_dense").project(query.f32, batch * T, qp);
    this.#proj("key_dense").project(key.f32, batch * S, kp);
    this.#proj("value_dense").project(value.f32, batch * S, vp);
    const scale = Math.fround(1 / Math.sqrt(dk));
    if (explicit) { for (let i = 0; i < qp.length; i++) qp[i] *= scale; }
    const heads = new Float32Array(batch * T * n * dv);
    const weights = returnScores ? new Float32Array(batch * n * T * S) : null;
    const s = new Float32Array(T * S);
    const keep = new Uint8Array(T * S);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < S; j++) {
          keep[i * S + j] = (qMask === null || qMask.data[b * T + i] !== 0) &&
              (vMask === null || vMask.data[b * S + j] !== 0) &&
              (kMask === null || kMask.data[b * S + j] !== 0) &&
              (!causal || j <= i) &&
              (this.slidingWindow === null || Math.abs(i - j) < this.slidingWindow)
            ? 1
            : 0;
        }
      }
      const masked = qMask !== null || vMask !== null || kMask !== null || causal ||
        this.slidingWindow !== null;
      for (let h = 0; h < n; h++) {
        // s[i, j] = q[b, i, h, :] · k[b, j, h, :]
        // deno-fmt-ignore
        gemm(false, true, T, S, dk, qp, (b * T * n + h) * dk, n * dk, kp, (b * S * n + h) * dk,
          n * dk, s, 0, S);
        if (!explicit) { for (let i = 0; i < s.length; i++) s[i] *= scale; }
        if (masked) {
          const fill = explicit ? -1e9 : DPA_MASKED;
          for (let i = 0; i < s.length; i++) if (!keep[i]) s[i] = fill;
        }
        softmax(s, 0, s.length, S);
        if (masked && explicit) { for (let i = 0; i < s.length; i++) if (!keep[i]) s[i] = 0; }
        if (weights) weights.set(s, (b * n + h) * T * S);
        // heads[b, i, h, :] = Σ_j s[i, j]·v[b, j, h, :]
        // deno-fmt-ignore
        gemm(false, false, T, dv, S, s, 0, S, vp, (b * S * n + h) * dv, n * dv, heads,
          (b * T * n + h) * dv, n * dv);
      }
    }
    if (this.useGate) {
      const gate = new Float32Array(heads.length);
      this.#proj("gate_dense").project(query.f32, batch * T, gate);
      sigmoid(gate, 0, gate.length, n * dv);
      for (let i = 0; i < heads.length; i++) heads[i] *= gate[i];
    }
    const outProj = this.#proj("output_dense");
    const outDim = outProj.kernel.shape[2];
    const out = new Float32Array(batch * T * outDim);
    outProj.project(heads, batch * T, out, 2);
    const result = new Tensor(out, [batch, T, outDim]);
    return weights ? [result, new Tensor(weights, [batch, n, T, S])] : [result];
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    const t = this.#training;
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      use_gate: this.useGate,
      output_shape: this.outputShape,
      attention_axes: this.attentionAxes,
      sliding_window: this.slidingWindow,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: t.kernel_regularizer,
      bias_regularizer: t.bias_regularizer,
      activity_regularizer: t.activity_regularizer,
      kernel_constraint: t.kernel_constraint,
      bias_constraint: t.bias_constraint,
      seed: this.seed,
    };
  }

  /** Builds a MultiHeadAttention from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): MultiHeadAttention {
    const r = new ConfigReader("MultiHeadAttention", config, options);
    const flash = r.raw("flash_attention");
    if (flash === true) {
      throw new TypeError(
        `MultiHeadAttention layer "${r.layerName}": flash_attention=true is not supported`,
      );
    }
    // tf.keras 2 wrote the shapes it was built with; Kerno builds at the first call.
    r.trainingOnly("query_shape", "key_shape", "value_shape");
    const numHeads = r.number("num_heads");
    const keyDim = r.number("key_dim");
    const valueDim = r.raw("value_dim");
    const layer = new MultiHeadAttention(numHeads, keyDim, {
      ...r.baseOptions(),
      valueDim: typeof valueDim === "number" ? valueDim : null,
      dropout: r.number("dropout", 0),
      useBias: r.boolean("use_bias", true),
      useGate: r.boolean("use_gate", false),
      outputShape: r.raw("output_shape") as number | number[] | null,
      attentionAxes: r.raw("attention_axes") as number | number[] | null,
      slidingWindow: (r.raw("sliding_window") ?? null) as number | null,
      kernelInitializer: readInitializer(r, "kernel_initializer", "glorot_uniform"),
      biasInitializer: readInitializer(r, "bias_initializer", "zeros"),
      kernelRegularizer: r.raw("kernel_regularizer"),
      biasRegularizer: r.raw("bias_regularizer"),
      activityRegularizer: r.raw("activity_regularizer"),
      kernelConstraint: r.raw("kernel_constraint"),
      biasConstraint: r.raw("bias_constraint"),
      seed: readSeed(r),
    });
    r.done();
    return layer;
  }
}

registerLayer(
  "MultiHeadAttention",
  (config, options) => MultiHeadAttention.fromConfig(config, options),
);
