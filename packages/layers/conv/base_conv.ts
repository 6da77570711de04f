import { axisPadding, conv, type ConvGeometry, type ConvPadding, Tensor } from "@kerno/tensor";
import { type ActivationSpec, resolveActivation, type ResolvedActivation } from "../activations.ts";
import type { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import type { DeserializeOptions } from "../registry.ts";
import { checkLastAxis, type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import {
  asFloat32,
  keras2HardSigmoidOf,
  readActivation,
  readInitializer,
  readMustBeNull,
} from "../core/_util.ts";
import { checkDataFormat, readTuple, toPadding, toTuple } from "./_args.ts";

/** Options of the convolution layers (Keras's arguments in camelCase). */
export interface ConvOptions extends LayerOptions {
  /** Step between windows: one integer or one per spatial axis (default 1). */
  strides?: number | number[];
  /** `"valid"` (default), `"same"`, or for `Conv1D` `"causal"`. */
  padding?: string;
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string | null;
  /** Gap between window taps (default 1); cannot be combined with strides > 1. */
  dilationRate?: number | number[];
  /** Channel groups (default 1): input and filters split into independent parts. */
  groups?: number;
  /** Activation applied to the output (default none: `linear`). */
  activation?: ActivationSpec;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Initializer of the kernel (default `glorot_uniform`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of the bias (default `zeros`). */
  biasInitializer?: InitializerSpec;
  /** Training only: kept in the config, no effect at inference. */
  kernelRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  biasRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  activityRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  kernelConstraint?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  biasConstraint?: unknown;
  /** Run `hard_sigmoid` as Keras 2 defined it (0.2x + 0.5). */
  keras2HardSigmoid?: boolean;
}

/**
 * The convolution layers' common part (Keras's `BaseConv`), channels last: weights `kernel`
 * `(...kernel_size, in_channels / groups, filters)` and `bias` `(filters)`; the arithmetic is
 * {@linkcode conv} (im2col + gemm). Subclasses fix the number of spatial axes.
 */
export abstract class BaseConv extends Layer {
  /** Number of spatial axes (1 for Conv1D, 2 for Conv2D). */
  readonly rank: number;
  /** Output channels. */
  readonly filters: number;
  /** Window size per spatial axis. */
  readonly kernelSize: number[];
  /** Strides per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: ConvPadding;
  /** Dilation per spatial axis. */
  readonly dilationRate: number[];
  /** Channel groups. */
  readonly groups: number;
  /** The activation. */
  readonly activation: ResolvedActivation;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** Kernel initializer. */
  readonly kernelInitializer: Initializer;
  /** Bias initializer. */
  readonly biasInitializer: Initializer;
  /** The weight `kernel`, once built. */
  kernel: Variable | null = null;
  /** The weight `bias`, once built with `useBias`. */
  bias: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Checks and stores the arguments, as Keras's `BaseConv.__init__`. */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: ConvOptions = {},
  ) {
    super(options);
    const where = `${this.className} layer "${this.name}"`;
    this.rank = rank;
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new RangeError(
        `${where}: Invalid value for argument \`filters\`. Expected a strictly positive value. ` +
          `Received filters=${filters}.`,
      );
    }
    this.filters = filters;
    this.groups = options.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0) {
      throw new RangeError(
        `${where}: The number of groups must be a positive integer. Received: groups=${this.groups}.`,
      );
    }
    if (filters % this.groups !== 0) {
      throw new RangeError(
        `${where}: The number of filters must be evenly divisible by the number of groups. ` +
          `Received: groups=${this.groups}, filters=${filters}.`,
      );
    }
    this.kernelSize = toTuple(where, "kernel_size", kernelSize, rank);
    this.strides = toTuple(where, "strides", options.strides ?? 1, rank);
    this.dilationRate = toTuple(where, "dilation_rate", options.dilationRate ?? 1, rank);
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new RangeError(
        `${where}: \`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. ` +
          `Received: strides=(${this.strides}) and dilation_rate=(${this.dilationRate})`,
      );
    }
    this.padding = toPadding(where, options.padding ?? "valid", rank === 1);
    checkDataFormat(where, options.dataFormat);
    this.activation = resolveActivation(options.activation ?? null, {
      keras2HardSigmoid: options.keras2HardSigmoid,
    });
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
    this.inputSpec = { ndim: rank + 2 };
  }

  /** Creates `kernel` and `bias`; the channel axis must be known and divisible by `groups`. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shape = inputShapes[0];
    const channels = shape[shape.length - 1];
    if (channels === null || channels === undefined) {
      throw new TypeError(
        `${this.className} layer "${this.name}": the channel axis (last) of the input must be ` +
          `known, received shape ${shapeToString(shape)}`,
      );
    }
    if (channels % this.groups !== 0) {
      throw new RangeError(
        `${this.className} layer "${this.name}": The number of input channels must be evenly ` +
          `divisible by the number of groups. Received groups=${this.groups}, but the input has ` +
          `${channels} channels (full input shape is ${shapeToString(shape)}).`,
      );
    }
    this.computeOutputShape(inputShapes, context ?? { initialState: null, extraArgs: [] });
    this.kernel = this.addWeight(
      "kernel",
      [...this.kernelSize, channels / this.groups, this.filters],
      this.kernelInitializer,
    );
    if (this.useBias) this.bias = this.addWeight("bias", [this.filters], this.biasInitializer);
    super.build(inputShapes, context);
  }

  /** Checks the rank, and once built the number of channels. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    super.checkInputs(shapes);
    if (!this.kernel) return;
    const want = this.kernel.shape[this.rank] * this.groups;
    checkLastAxis(this.name, shapes, want);
  }

  /** `(batch, ...out spatial, filters)`; an axis too short for the window is an error. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    const spatial = shape.slice(1, 1 + this.rank).map((n, i) => {
      const out = axisPadding(
        n,
        this.kernelSize[i],
        this.strides[i],
        this.dilationRate[i],
        this.padding,
      ).out;
      if (out !== null && out <= 0) {
        throw new RangeError(
          `${this.className} layer "${this.name}": computed output size would be negative or ` +
            `zero: input shape ${shapeToString(shape)}, kernel_size (${this.kernelSize}), ` +
            `strides (${this.strides}), dilation_rate (${this.dilationRate}), padding "${this.padding}"`,
        );
      }
      return out;
    });
    return [[shape[0], ...spatial, this.filters]];
  }

  /** The geometry of a call on a concrete input shape. */
  protected geometry(shape: readonly number[]): ConvGeometry {
    const spatial = shape.slice(1, 1 + this.rank);
    const axes = spatial.map((n, i) =>
      axisPadding(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)
    );
    return {
      batch: shape[0],
      inSpatial: spatial,
      inChannels: shape[shape.length - 1],
      kernelSpatial: this.kernelSize,
      filters: this.filters,
      groups: this.groups,
      strides: this.strides,
      dilation: this.dilationRate,
      padBefore: axes.map((a) => a.before),
      outSpatial: axes.map((a) => a.out as number),
    };
  }

  /** im2col + gemm over the whole batch, then the activation. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const g = this.geometry(x.shape);
    const out = new Float32Array(g.batch * g.outSpatial.reduce((a, b) => a * b, 1) * g.filters);
    if (g.outSpatial.some((n) => n <= 0)) {
      throw new RangeError(
        `${this.className} layer "${this.name}": input shape ${
          shapeToString(x.shape)
        } is too short for kernel_size (${this.kernelSize}) with padding "${this.padding}"`,
      );
    }
    conv(g, x.f32, 0, this.kernel!.value.f32, 0, this.bias?.value.f32, out, 0);
    if (this.activation.name !== "linear") {
      this.activation.fn(out, 0, out.length, this.filters);
    }
    return [new Tensor(out, [g.batch, ...g.outSpatial, g.filters])];
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    const t = this.#training;
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      data_format: "channels_last",
      dilation_rate: this.dilationRate,
      groups: this.groups,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: t.kernel_regularizer,
      bias_regularizer: t.bias_regularizer,
      activity_regularizer: t.activity_regularizer,
      kernel_constraint: t.kernel_constraint,
      bias_constraint: t.bias_constraint,
    };
  }
}

/** Reads the arguments every convolution config shares (the `filters` and `kernel_size` too). */
export function readConvConfig(
  r: ConfigReader,
  options: DeserializeOptions,
): { filters: number; kernelSize: number | number[]; options: ConvOptions } {
  const keras2 = keras2HardSigmoidOf(options);
  readMustBeNull(r, "lora_rank", "LoRA is a training feature Kerno does not implement");
  r.trainingOnly("lora_alpha");
  const kernelSize = readTuple(r, "kernel_size", null);
  if (kernelSize === null) {
    throw new TypeError(
      `${r.className} layer "${r.layerName}": config key "kernel_size" is missing`,
    );
  }
  return {
    filters: r.number("filters"),
    kernelSize,
    options: {
      ...r.baseOptions(),
      strides: readTuple(r, "strides", 1) as number | number[],
      padding: r.string("padding", "valid"),
      dataFormat: r.raw("data_format") as string | null | undefined,
      dilationRate: readTuple(r, "dilation_rate", 1) as number | number[],
      groups: r.number("groups", 1),
      activation: readActivation(r, "activation", "linear", keras2).name,
      keras2HardSigmoid: keras2,
      useBias: r.boolean("use_bias", true),
      kernelInitializer: readInitializer(r, "kernel_initializer", "glorot_uniform"),
      biasInitializer: readInitializer(r, "bias_initializer", "zeros"),
      kernelRegularizer: r.raw("kernel_regularizer"),
      biasRegularizer: r.raw("bias_regularizer"),
      activityRegularizer: r.raw("activity_regularizer"),
      kernelConstraint: r.raw("kernel_constraint"),
      biasConstraint: r.raw("bias_constraint"),
    },
  };
}
