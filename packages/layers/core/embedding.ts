import { type DType, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { SymbolicMask, SymbolicTensor } from "../symbolic.ts";
import { NotEqual } from "./not_equal.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { readInitializer, readMustBeNull } from "./_util.ts";

/** Options of {@linkcode Embedding}. */
export interface EmbeddingOptions extends LayerOptions {
  /** Initializer of the table (default `uniform`: RandomUniform(-0.05, 0.05)). */
  embeddingsInitializer?: InitializerSpec;
  /** Whether id 0 is padding: the output then carries the mask `id != 0` (default false). */
  maskZero?: boolean;
  /** Training only: accepted, kept in the config, no effect at inference. */
  embeddingsRegularizer?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  activityRegularizer?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  embeddingsConstraint?: unknown;
  /** LoRA is not supported: only `null`/absent is accepted. */
  loraRank?: number | null;
}

/**
 * Keras `Embedding`: looks up a float32 row of the `embeddings` table (input_dim, output_dim)
 * for every integer id. Ids come as int32, or as floats holding integers (truncated, as Keras
 * casts them); an id outside [0, input_dim) is refused with a `RangeError` naming the layer and
 * the id. With `maskZero`, the output carries the mask `id != 0`.
 *
 * @example
 * ```ts
 * import { Embedding } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const emb = new Embedding(10, 4, { maskZero: true });
 * const y = emb.apply(tensor([[3, 1, 0]], undefined, "int32")); // shape [1, 3, 4]
 * ```
 */
export class Embedding extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Embedding";
  /** Vocabulary size. */
  readonly inputDim: number;
  /** Size of each embedding vector. */
  readonly outputDim: number;
  /** Whether id 0 is masked. */
  readonly maskZero: boolean;
  /** Initializer of the table. */
  readonly embeddingsInitializer: Initializer;
  /** The weight `embeddings` (input_dim, output_dim), once built. */
  embeddings: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Creates the layer; both dimensions must be positive integers. */
  constructor(inputDim: number, outputDim: number, options: EmbeddingOptions = {}) {
    super(options);
    for (const [key, v] of [["input_dim", inputDim], ["output_dim", outputDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) {
        throw new RangeError(
          `Embedding layer "${this.name}": ${key} must be a positive integer, received ${v}`,
        );
      }
    }
    if (options.loraRank !== undefined && options.loraRank !== null) {
      throw new TypeError(
        `Embedding layer "${this.name}": lora_rank=${options.loraRank} is not supported (LoRA is a training feature Kerno does not implement)`,
      );
    }
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.maskZero = options.maskZero ?? false;
    this.embeddingsInitializer = getInitializer(options.embeddingsInitializer ?? "uniform");
    this.#training = {
      embeddings_regularizer: options.embeddingsRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      embeddings_constraint: options.embeddingsConstraint ?? null,
    };
  }

  /** Creates `embeddings` (input_dim, output_dim). */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    this.embeddings = this.addWeight(
      "embeddings",
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
    );
    super.build(inputShapes, context);
  }

  /** The input shape with `output_dim` appended. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [[...inputShapes[0], this.outputDim]];
  }

  /** Always float32, whatever the id dtype. */
  override outputDtypes(_inputDtypes: readonly DType[]): DType[] {
    return ["float32"];
  }

  /** Copies one table row per id. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const ids = inputs[0];
    const table = this.embeddings!.value.f32;
    const d = this.outputDim;
    const out = new Float32Array(ids.size * d);
    const src = ids.data;
    for (let i = 0; i < src.length; i++) {
      const id = Math.trunc(src[i]);
      if (!(id >= 0 && id < this.inputDim)) {
        throw new RangeError(
          `Embedding layer "${this.name}": id ${src[i]} at flat index ${i} is out of range ` +
            `[0, ${this.inputDim}) (input_dim=${this.inputDim})`,
        );
      }
      out.set(table.subarray(id * d, id * d + d), i * d);
    }
    return [new Tensor(out, [...ids.shape, d])];
  }

  /** With `maskZero`, the bool mask `id != 0` (of the ids' shape); else none. */
  override computeMask(
    inputs: readonly Tensor[],
    _masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    if (!this.maskZero) return [null];
    const ids = inputs[0];
    const m = new Uint8Array(ids.size);
    for (let i = 0; i < m.length; i++) m[i] = Math.trunc(ids.data[i]) !== 0 ? 1 : 0;
    return [new Tensor(m, ids.shape)];
  }

  /** The output carries a mask exactly when `maskZero`. */
  override outputsHaveMask(_inputsHaveMask: readonly boolean[]): boolean[] {
    return [this.maskZero];
  }

  /** In a graph the mask is `ids != 0`, a `NotEqual` operation node on the ids, as in Keras 3. */
  override symbolicOutputMasks(inputs: readonly SymbolicTensor[]): SymbolicMask[] {
    if (!this.maskZero) return [null];
    return [new NotEqual().apply(inputs[0], { extraArgs: [0] }) as SymbolicTensor];
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serializeInitializer(this.embeddingsInitializer),
      embeddings_regularizer: this.#training.embeddings_regularizer,
      activity_regularizer: this.#training.activity_regularizer,
      embeddings_constraint: this.#training.embeddings_constraint,
      mask_zero: this.maskZero,
      quantization_config: null,
    };
  }

  /** Builds an Embedding from its Keras config (Keras 2's `input_length` is dropped). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Embedding {
    const r = new ConfigReader("Embedding", config, options);
    readMustBeNull(r, "lora_rank", "LoRA is a training feature Kerno does not implement");
    r.trainingOnly("lora_alpha");
    readMustBeNull(r, "quantization_config", "quantized Embedding layers are not supported");
    readMustBeNull(r, "weights", "give the weights with setWeights or a weights file");
    const sparse = r.boolean("sparse", false);
    if (sparse) {
      throw new TypeError(`Embedding layer "${r.layerName}": sparse=true is not supported`);
    }
    const layer = new Embedding(r.number("input_dim"), r.number("output_dim"), {
      ...r.baseOptions(),
      embeddingsInitializer: readInitializer(r, "embeddings_initializer", "uniform"),
      maskZero: r.boolean("mask_zero", false),
      embeddingsRegularizer: r.raw("embeddings_regularizer"),
      activityRegularizer: r.raw("activity_regularizer"),
      embeddingsConstraint: r.raw("embeddings_constraint"),
    });
    r.done();
    return layer;
  }
}

registerLayer("Embedding", (config, options) => Embedding.fromConfig(config, options));
