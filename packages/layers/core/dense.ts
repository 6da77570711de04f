import { type F32, gemm, gemmOnBlas, Tensor } from "@kerno/tensor";
import { type ActivationSpec, resolveActivation, type ResolvedActivation } from "../activations.ts";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import {
  deserializeLayer,
  type DeserializeOptions,
  registeredLayerNames,
  registerLayer,
  serializeLayer,
} from "../registry.ts";
import { checkLastAxis, type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import {
  asFloat32,
  keras2HardSigmoidOf,
  readActivation,
  readInitializer,
  readMustBeNull,
} from "./_util.ts";

/** Options of {@linkcode Dense} (Keras's arguments in camelCase). */
export interface DenseOptions extends LayerOptions {
  /**
   * Activation applied to the output (default none: `linear`): a Keras name, or an activation
   * layer without weights (`new LeakyReLU({ negativeSlope: 0.2 })`), as Keras allows.
   */
  activation?: ActivationSpec | Layer;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default `glorot_uniform`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias (default `zeros`). */
  biasInitializer?: InitializerSpec;
  /** Training only: accepted, kept in the config, no effect at inference. */
  kernelRegularizer?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  biasRegularizer?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  activityRegularizer?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  kernelConstraint?: unknown;
  /** Training only: accepted, kept in the config, no effect at inference. */
  biasConstraint?: unknown;
  /** LoRA is not supported: only `null`/absent is accepted. */
  loraRank?: number | null;
  /** Run `hard_sigmoid` as Keras 2 defined it (0.2x + 0.5); see `resolveActivation`. */
  keras2HardSigmoid?: boolean;
}

/**
 * Keras `Dense`: `output = activation(input · kernel + bias)` over the last axis of an input of
 * any rank ≥ 2 (a 3D sequence is projected at every timestep). All leading rows go through one
 * gemm call. Weights: `kernel` (input_dim, units), then `bias` (units). A mask passes through.
 *
 * @example
 * ```ts
 * import { Dense } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const dense = new Dense(2, { activation: "relu" });
 * const y = dense.apply(tensor([[1, 2, 3]])); // shape [1, 2]
 * ```
 */
export class Dense extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Dense";
  /** Number of output features. */
  readonly units: number;
  /** The activation (its Keras name and kernel; the class name for an activation layer). */
  readonly activation: ResolvedActivation;
  /** The activation layer, when the activation was given as one (else null). */
  readonly activationLayer: Layer | null;
  /** Whether the layer has a bias. */
  readonly useBias: boolean;
  /** Kernel initializer. */
  readonly kernelInitializer: Initializer;
  /** Bias initializer. */
  readonly biasInitializer: Initializer;
  /** The weight `kernel` (input_dim, units), once built. */
  kernel: Variable | null = null;
  /** The weight `bias` (units), once built with `useBias`. */
  bias: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Creates the layer; `units` must be a positive integer. */
  constructor(units: number, options: DenseOptions = {}) {
    super(options);
    if (!Number.isInteger(units) || units <= 0) {
      throw new RangeError(
        `Dense layer "${this.name}": units must be a positive integer, received ${units}`,
      );
    }
    if (options.loraRank !== undefined && options.loraRank !== null) {
      throw new TypeError(
        `Dense layer "${this.name}": lora_rank=${options.loraRank} is not supported (LoRA is a training feature Kerno does not implement)`,
      );
    }
    this.units = units;
    const activation = options.activation ?? null;
    if (activation instanceof Layer) {
      this.activationLayer = activation;
      this.activation = layerActivation(this, activation);
    } else {
      this.activationLayer = null;
      this.activation = resolveActivation(activation, {
        keras2HardSigmoid: options.keras2HardSigmoid,
      });
    }
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? "glorot_uniform");
    this.biasInitializer = getInitializer(options.biasInitializer ?? "zeros");
    this.#training = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      activity_regularizer: options.activityRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 2 };
  }

  /** Creates `kernel` (input_dim, units) and `bias` (units); the last input axis must be known. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shape = inputShapes[0];
    const inputDim = shape[shape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw new TypeError(
        `Dense layer "${this.name}": the last dimension of the input must be known, received shape ${
          shapeToString(shape)
        }`,
      );
    }
    this.kernel = this.addWeight("kernel", [inputDim, this.units], this.kernelInitializer);
    if (this.useBias) this.bias = this.addWeight("bias", [this.units], this.biasInitializer);
    super.build(inputShapes, context);
  }

  /** Checks the rank, and once built the size of the last axis. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    super.checkInputs(shapes);
    if (!this.kernel) return;
    const want = this.kernel.shape[0];
    checkLastAxis(this.name, shapes, want);
  }

  /** Same shape with the last axis replaced by `units`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    return [[...shape.slice(0, -1), this.units]];
  }

  /** Projects every row of the last axis with one gemm, then applies the activation. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const kernel = this.kernel!.value;
    return [this.callWith(inputs[0], kernel.f32, this.bias?.value.f32)];
  }

  /**
   * What {@linkcode Dense.call} computes, with `kernel` `(input_dim, units)` and `bias` given
   * instead of the variables' (a model's plan passes copies with a BatchNormalization folded in).
   */
  callWith(input: Tensor, kernel: F32, bias: F32 | undefined): Tensor {
    const x = asFloat32(input);
    const inputDim = this.kernel!.shape[0];
    const rows = inputDim === 0 ? 0 : x.size / inputDim;
    const out = new Float32Array(rows * this.units);
    if (rows > 0) {
      // deno-fmt-ignore
      const onBlas = gemmOnBlas(rows, this.units, inputDim, x.f32, 0, inputDim, kernel, 0, this.units, out, 0, this.units, bias);
      if (!onBlas) {
        gemm(
          false,
          false,
          rows,
          this.units,
          inputDim,
          x.f32,
          0,
          inputDim,
          kernel,
          0,
          this.units,
          out,
          0,
          this.units,
          1,
          0,
          bias,
          0,
        );
      }
      if (this.activation.name !== "linear") this.activation.fn(out, 0, out.length, this.units);
    }
    return new Tensor(out, [...x.shape.slice(0, -1), this.units]);
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    const base = super.getConfig();
    if (this.#training.activity_regularizer !== null) {
      base.activity_regularizer = this.#training.activity_regularizer;
    }
    return {
      ...base,
      units: this.units,
      activation: this.activationLayer
        ? serializeLayer(this.activationLayer)
        : this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: this.#training.kernel_regularizer,
      bias_regularizer: this.#training.bias_regularizer,
      kernel_constraint: this.#training.kernel_constraint,
      bias_constraint: this.#training.bias_constraint,
      quantization_config: null,
    };
  }

  /** Builds a Dense from its Keras config (Keras 3 or Keras 2 form). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Dense {
    const r = new ConfigReader("Dense", config, options);
    const keras2 = keras2HardSigmoidOf(options);
    readMustBeNull(r, "lora_rank", "LoRA is a training feature Kerno does not implement");
    r.trainingOnly("lora_alpha");
    readMustBeNull(r, "quantization_config", "quantized Dense layers are not supported");
    const layer = new Dense(r.number("units"), {
      ...r.baseOptions(),
      activation: readLayerActivation(r, options) ??
        readActivation(r, "activation", "linear", keras2).name,
      keras2HardSigmoid: keras2,
      useBias: r.boolean("use_bias", true),
      kernelInitializer: readInitializer(r, "kernel_initializer", "glorot_uniform"),
      biasInitializer: readInitializer(r, "bias_initializer", "zeros"),
      kernelRegularizer: r.raw("kernel_regularizer"),
      biasRegularizer: r.raw("bias_regularizer"),
      activityRegularizer: r.raw("activity_regularizer"),
      kernelConstraint: r.raw("kernel_constraint"),
      biasConstraint: r.raw("bias_constraint"),
    });
    r.done();
    return layer;
  }
}

/**
 * An activation given as a layer (Keras 2 saved `Dense(activation=LeakyReLU(0.2))` as the layer's
 * config): the layer's `call`, run over the rows of the output in place. Only layers without
 * weights that keep the shape can serve.
 */
function layerActivation(dense: Dense, layer: Layer): ResolvedActivation {
  if (layer.countParams() > 0 || !layer.built) {
    throw new TypeError(
      `Dense layer "${dense.name}": an activation given as a layer must have no weights, but ${layer.className} "${layer.name}" ${
        layer.built ? `has ${layer.countParams()} parameters` : "creates weights when built"
      }; use a separate ${layer.className} layer after the Dense instead`,
    );
  }
  const context = { masks: [null], initialState: null, training: false, extraArgs: [] };
  return {
    name: layer.className,
    fn: (x, offset, length, last) => {
      const rows = new Tensor(x.subarray(offset, offset + length), [length / last, last]);
      const [y] = layer.call([rows], context);
      x.set(y.f32, offset);
    },
  };
}

/** The activation layer a config names (`{class_name: "LeakyReLU", config}`), or undefined. */
function readLayerActivation(r: ConfigReader, options: DeserializeOptions): Layer | undefined {
  const raw = r.raw("activation") as { class_name?: unknown } | null | undefined;
  const cls = typeof raw === "object" && raw !== null ? raw.class_name : undefined;
  if (typeof cls !== "string" || !registeredLayerNames().includes(cls)) return undefined;
  options.notes?.push(`Dense layer "${r.layerName}": activation given as a ${cls} layer`);
  return deserializeLayer(raw, options);
}

registerLayer("Dense", (config, options) => Dense.fromConfig(config, options));
