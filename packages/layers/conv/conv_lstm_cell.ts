import { axisPadding, conv, type ConvGeometry, type ConvPadding, Tensor } from "@kerno/tensor";
import type { ResolvedActivation } from "../activations.ts";
import type { Initializer } from "../initializer.ts";
import type { Shape } from "../shape.ts";
import { type CellStepResult, RNNCell } from "../rnn/cell.ts";
import { CellArgs, type GatedCellOptions } from "../rnn/cell_options.ts";
import { checkDataFormat, toPadding, toTuple } from "./_args.ts";

/** Options of {@linkcode ConvLSTMCell}. */
export interface ConvLSTMCellOptions extends GatedCellOptions {
  /** Step between windows of the input convolution (default 1). */
  strides?: number | number[];
  /** Padding of the input convolution: `"valid"` (default) or `"same"`. */
  padding?: string;
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string | null;
  /** Dilation of the input convolution (default 1). */
  dilationRate?: number | number[];
  /** Initialize the forget-gate bias to 1 (default true, as in Keras). */
  unitForgetBias?: boolean;
}

function product(list: readonly number[]): number {
  return list.reduce((a, b) => a * b, 1);
}

/** Keras's `unit_forget_bias` initializer: `[init(f), ones(f), init(2f)]`. */
function unitForgetBias(inner: Initializer, filters: number): Initializer {
  return {
    className: inner.className,
    getConfig: () => inner.getConfig(),
    generate(shape: readonly number[]): Float32Array {
      const out = new Float32Array(shape[0]);
      out.set(inner.generate([filters]), 0);
      out.fill(1, filters, 2 * filters);
      out.set(inner.generate([2 * filters]), 2 * filters);
      return out;
    },
  };
}

/**
 * The cell of {@linkcode ConvLSTM1D} / {@linkcode ConvLSTM2D} (Keras's `ConvLSTMCell`): an LSTM
 * whose input and recurrent products are convolutions. Gates in Keras's order **i, f, c, o**;
 * `z = conv(x, kernel, strides, padding, dilation) + bias + conv(h, recurrent_kernel, same)`.
 * Weights `kernel` `(...kernel_size, channels, 4·filters)`, `recurrent_kernel`
 * `(...kernel_size, filters, 4·filters)`, `bias` `(4·filters)`.
 *
 * The RNN loop sees each step flattened: inputs `(batch, ∏spatial·channels)` and states
 * `(batch, ∏out_spatial·filters)`; {@linkcode ConvLSTM1D} and {@linkcode ConvLSTM2D} reshape
 * at their boundary. Both convolutions run as im2col + gemm.
 */
export class ConvLSTMCell extends RNNCell {
  /** Keras class name. */
  static override readonly className: string = "ConvLSTMCell";
  /** Number of spatial axes. */
  readonly rank: number;
  /** The resolved LSTM arguments (`units` is `filters`). */
  readonly args: CellArgs;
  /** Gate activation. */
  readonly recurrentActivation: ResolvedActivation;
  /** Whether the forget-gate bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** Window size per spatial axis. */
  readonly kernelSize: number[];
  /** Strides of the input convolution. */
  readonly strides: number[];
  /** Padding of the input convolution. */
  readonly padding: ConvPadding;
  /** Dilation of the input convolution. */
  readonly dilationRate: number[];
  /** Input spatial sizes and channels, once built. */
  #inSpatial: number[] | null = null;
  #channels = 0;
  /** State spatial sizes, once built. */
  #outSpatial: number[] | null = null;
  /** Scratch of the input and recurrent products, kept between steps (contents arbitrary). */
  #zx = new Float32Array(0);
  #zh = new Float32Array(0);

  /** A cell of `filters` output channels over `rank` spatial axes. */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: ConvLSTMCellOptions = {},
  ) {
    super(options);
    const where = `${this.className} "${this.name}"`;
    if (!Number.isInteger(filters) || filters <= 0) {
      throw new RangeError(`${where}: filters must be a positive integer, received ${filters}`);
    }
    this.rank = rank;
    this.args = new CellArgs(this.className, filters, options);
    this.recurrentActivation = this.args.resolve(options.recurrentActivation, "sigmoid");
    this.unitForgetBias = options.unitForgetBias ?? true;
    this.kernelSize = toTuple(where, "kernel_size", kernelSize, rank);
    this.strides = toTuple(where, "strides", options.strides ?? 1, rank);
    this.dilationRate = toTuple(where, "dilation_rate", options.dilationRate ?? 1, rank);
    if (Math.max(...this.strides) > 1 && Math.max(...this.dilationRate) > 1) {
      throw new RangeError(
        `${where}: Specifying \`strides > 1\` is not compatible with \`dilation_rate > 1\`. ` +
          `Received: strides=(${this.strides}) and dilation_rate=(${this.dilationRate})`,
      );
    }
    this.padding = toPadding(where, options.padding ?? "valid", false);
    checkDataFormat(where, options.dataFormat);
  }

  /** Output channels. */
  get filters(): number {
    return this.args.units;
  }

  /** Spatial output sizes for these spatial input sizes (null where unknown). */
  outSpatialOf(spatial: readonly (number | null)[]): (number | null)[] {
    return spatial.map((n, i) =>
      axisPadding(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding).out
    );
  }

  /** `[h, c]`, each `∏out_spatial·filters` floats per row (known once built). */
  get stateSize(): number[] {
    const s = this.#requireBuilt();
    return [s, s];
  }

  /** `∏out_spatial·filters` (known once built). */
  get outputSize(): number {
    return this.#requireBuilt();
  }

  #requireBuilt(): number {
    if (!this.#outSpatial) {
      throw new TypeError(`Cell "${this.name}" is not built: its state size follows the input`);
    }
    return product(this.#outSpatial) * this.filters;
  }

  /** The spatial shape of the states, once built. */
  get stateSpatial(): readonly number[] | null {
    return this.#outSpatial;
  }

  /**
   * Creates the weights for steps of shape `(batch, ...spatial, channels)`; the spatial sizes
   * and channels must be known (as in Keras).
   */
  override build(inputShapes: readonly Shape[]): void {
    const shape = inputShapes[0];
    const spatial = shape.slice(1, -1);
    const channels = shape[shape.length - 1];
    if (spatial.length !== this.rank || spatial.some((d) => d === null) || channels === null) {
      throw new TypeError(
        `Cell "${this.name}": ConvLSTM layers only support static input shapes for the spatial ` +
          `dimensions and channels; expected (batch, ${
            new Array(this.rank).fill("size").join(", ")
          }, channels), received ${JSON.stringify(shape)}`,
      );
    }
    const out = this.outSpatialOf(spatial) as number[];
    if (out.some((n) => n <= 0)) {
      throw new RangeError(
        `Cell "${this.name}": the input's spatial shape (${spatial}) is too small for ` +
          `kernel_size (${this.kernelSize}) with padding "${this.padding}"`,
      );
    }
    this.#inSpatial = spatial as number[];
    this.#channels = channels;
    this.#outSpatial = out;
    const f = this.filters;
    const a = this.args;
    this.addWeight("kernel", [...this.kernelSize, channels, 4 * f], a.kernelInitializer);
    this.addWeight("recurrent_kernel", [...this.kernelSize, f, 4 * f], a.recurrentInitializer);
    if (a.useBias) {
      const init = this.unitForgetBias ? unitForgetBias(a.biasInitializer, f) : a.biasInitializer;
      this.addWeight("bias", [4 * f], init);
    }
    // The RNN loop sees flat steps: (batch, ∏spatial·channels).
    super.build([[shape[0], product(spatial as number[]) * channels]]);
  }

  #geometry(batch: number, recurrent: boolean): ConvGeometry {
    const f = this.filters;
    const inSpatial = recurrent ? this.#outSpatial! : this.#inSpatial!;
    const axes = inSpatial.map((n, i) =>
      recurrent
        ? axisPadding(n, this.kernelSize[i], 1, 1, "same")
        : axisPadding(n, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)
    );
    return {
      batch,
      inSpatial,
      inChannels: recurrent ? f : this.#channels,
      kernelSpatial: this.kernelSize,
      filters: 4 * f,
      groups: 1,
      strides: recurrent ? this.kernelSize.map(() => 1) : this.strides,
      dilation: recurrent ? this.kernelSize.map(() => 1) : this.dilationRate,
      padBefore: axes.map((x) => x.before),
      outSpatial: this.#outSpatial!,
    };
  }

  /**
   * One step on flat rows: `z = conv(x) + bias + conv(h)`, then
   * `c' = f⊙c + i⊙act(z_c)`, `h' = o⊙act(c')`, all in float32 as Keras computes them.
   */
  step(input: Tensor, states: readonly Tensor[]): CellStepResult {
    const size = this.#requireBuilt();
    const batch = input.shape[0];
    const want = product(this.#inSpatial!) * this.#channels;
    if (input.rank !== 2 || input.shape[1] !== want) {
      throw new TypeError(
        `Cell "${this.name}" expects steps of shape (batch, ${want}), received ` +
          `(${input.shape.join(", ")})`,
      );
    }
    const f = this.filters;
    const positions = batch * product(this.#outSpatial!);
    const [kernel, recurrent, bias] = this.ownVariables.map((v) => v.value.f32);
    const n = positions * 4 * f;
    if (this.#zx.length < n) {
      this.#zx = new Float32Array(n);
      this.#zh = new Float32Array(n);
    }
    const zx = this.#zx, zh = this.#zh;
    conv(this.#geometry(batch, false), input.f32, 0, kernel, 0, bias, zx, 0);
    conv(this.#geometry(batch, true), states[0].f32, 0, recurrent, 0, undefined, zh, 0);
    const gate = this.recurrentActivation.fn, act = this.args.activation.fn;
    for (let z = 0; z < n; z += 4 * f) {
      for (let j = z; j < z + 4 * f; j++) zx[j] += zh[j];
      gate(zx, z, 2 * f, f); // i, f
      act(zx, z + 2 * f, f, f); // candidate
      gate(zx, z + 3 * f, f, f); // o
    }
    const c0 = states[1].f32;
    const h = new Float32Array(batch * size);
    const c = new Float32Array(batch * size);
    for (let p = 0; p < positions; p++) {
      const z = p * 4 * f;
      for (let j = 0; j < f; j++) {
        const o = p * f + j;
        c[o] = Math.fround(zx[z + f + j] * c0[o]) + Math.fround(zx[z + j] * zx[z + 2 * f + j]);
      }
    }
    h.set(c);
    act(h, 0, h.length, f);
    for (let p = 0; p < positions; p++) {
      const z = p * 4 * f;
      for (let j = 0; j < f; j++) h[p * f + j] *= zx[z + 3 * f + j];
    }
    const hT = new Tensor(h, [batch, size]);
    return { output: hT.clone(), states: [hT, new Tensor(c, [batch, size])] };
  }

  /** Keras's ConvLSTMCell config (the layer's config is flat; see {@linkcode ConvLSTM1D}). */
  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      data_format: "channels_last",
      dilation_rate: this.dilationRate,
      activation: a.activationName,
      recurrent_activation: this.recurrentActivation.name,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      unit_forget_bias: this.unitForgetBias,
      ...a.trainingConfig(),
      seed: a.seed,
    };
  }
}
