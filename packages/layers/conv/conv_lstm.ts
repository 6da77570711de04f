import { formatShape, type Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { CallContext, ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { cellOnlyOptions, readActivation, readCellOptions } from "../rnn/cell_options.ts";
import { readRNNOptions, RNN, type RNNOptions } from "../rnn/rnn.ts";
import { readTuple } from "./_args.ts";
import { ConvLSTMCell, type ConvLSTMCellOptions } from "./conv_lstm_cell.ts";

/** Options of {@linkcode ConvLSTM1D} and {@linkcode ConvLSTM2D}. */
export interface ConvLSTMOptions extends ConvLSTMCellOptions, RNNOptions {}

function product(list: readonly number[]): number {
  return list.reduce((a, b) => a * b, 1);
}

/**
 * Keras's `ConvLSTM` base: an {@linkcode RNN} over a {@linkcode ConvLSTMCell} named
 * `conv_lstm_cell`, on `(batch, time, ...spatial, channels)` inputs. Each step is flattened for
 * the RNN loop and the outputs and states are given back their spatial shape
 * `(batch, ...out_spatial, filters)`. Masks, initial states, `go_backwards`, `stateful` and
 * `return_state` behave as in the other recurrent layers.
 */
export abstract class ConvLSTM extends RNN {
  /** The cell this layer runs. */
  declare readonly cell: ConvLSTMCell;
  /** Number of spatial axes. */
  readonly rank: number;

  /** A ConvLSTM of `filters` output channels over `rank` spatial axes. */
  constructor(
    rank: number,
    filters: number,
    kernelSize: number | number[],
    options: ConvLSTMOptions = {},
  ) {
    super(
      new ConvLSTMCell(rank, filters, kernelSize, {
        ...cellOnlyOptions(options),
        name: "conv_lstm_cell",
      }),
      options,
    );
    this.rank = rank;
    this.inputSpec = { ndim: rank + 3 };
  }

  /** Builds the cell on one step's shape `(batch, ...spatial, channels)`. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const seq = inputShapes[0];
    if (!this.cell.built) this.cell.build([[seq[0], ...seq.slice(2)]]);
    super.build(inputShapes, context);
  }

  /** `(batch, [time,] ...out_spatial, filters)`, then `h` and `c` with `returnState`. */
  override computeOutputShape(inputShapes: readonly Shape[], _context?: ShapeContext): Shape[] {
    const seq = inputShapes[0];
    const state: Shape = [
      seq[0],
      ...this.cell.outSpatialOf(seq.slice(2, 2 + this.rank)),
      this.cell.filters,
    ];
    const out: Shape = this.returnSequences ? [seq[0], seq[1], ...state.slice(1)] : state;
    return this.returnState ? [out, state, state] : [out];
  }

  /** Flattens each step for the RNN loop and gives the results their spatial shape back. */
  override call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = inputs[0];
    const built = this.buildShapes?.[0];
    const spatial = this.cell.stateSpatial;
    if (x.rank !== this.rank + 3 || !built || !spatial) {
      throw new TypeError(
        `Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=${
          this.rank + 3
        }, found ndim=${x.rank}. Full shape received: ${formatShape(x.shape)}`,
      );
    }
    const [batch, steps] = x.shape;
    const want = built.slice(2);
    if (x.shape.slice(2).some((d, i) => d !== want[i])) {
      throw new TypeError(
        `Layer "${this.name}" was built for steps of shape ${formatShape(want)}, received ` +
          `input shape ${formatShape(x.shape)}`,
      );
    }
    const state = [...spatial, this.cell.filters];
    const size = product(state);
    const initialState = context.initialState?.map((s, i) => {
      if (s.rank !== state.length + 1 || s.shape.slice(1).some((d, j) => d !== state[j])) {
        throw new TypeError(
          `Layer "${this.name}": initial state ${i} must have shape ${
            formatShape([batch, ...state])
          }, received ${formatShape(s.shape)}`,
        );
      }
      return s.reshape([s.shape[0], size]);
    }) ?? null;
    const flat = x.reshape([batch, steps, product(x.shape.slice(2))]);
    const outs = super.call([flat], { ...context, initialState });
    return outs.map((t, i) =>
      t.reshape(
        i === 0 && this.returnSequences ? [batch, steps, ...state] : [batch, ...state],
      )
    );
  }

  /** Keras's flat config: the RNN flags, then the cell's arguments (no `cell` key). */
  override getConfig(): Record<string, unknown> {
    const c = this.cell;
    const a = c.args;
    return {
      ...this.rnnConfig(),
      filters: c.filters,
      kernel_size: c.kernelSize,
      strides: c.strides,
      padding: c.padding,
      data_format: "channels_last",
      dilation_rate: c.dilationRate,
      activation: a.activationName,
      recurrent_activation: c.recurrentActivation.name,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      unit_forget_bias: c.unitForgetBias,
      ...a.trainingConfig(this.activityRegularizer),
      seed: a.seed,
    };
  }
}

/** Reads a ConvLSTM config: the RNN flags, the cell arguments, the convolution arguments. */
function readConvLSTM(
  className: string,
  config: Record<string, unknown>,
  options: DeserializeOptions,
): { r: ConfigReader; filters: number; kernelSize: number | number[]; opts: ConvLSTMOptions } {
  const r = new ConfigReader(className, config, options);
  const kernelSize = readTuple(r, "kernel_size", null);
  if (kernelSize === null) {
    throw new TypeError(`${className} layer "${r.layerName}": config key "kernel_size" is missing`);
  }
  return {
    r,
    filters: r.number("filters"),
    kernelSize,
    opts: {
      ...readRNNOptions(r),
      ...readCellOptions(r, options),
      recurrentActivation: readActivation(r, "recurrent_activation", "sigmoid"),
      unitForgetBias: r.boolean("unit_forget_bias", true),
      strides: readTuple(r, "strides", 1) as number | number[],
      padding: r.string("padding", "valid"),
      dataFormat: r.raw("data_format") as string | null | undefined,
      dilationRate: readTuple(r, "dilation_rate", 1) as number | number[],
    },
  };
}

/**
 * Keras `ConvLSTM1D`: an LSTM whose products are 1D convolutions, on `(batch, time, steps,
 * channels)` inputs; outputs `(batch, [time,] out_steps, filters)`. Weights
 * `conv_lstm_cell/kernel` `(k, channels, 4·filters)`, `recurrent_kernel` `(k, filters,
 * 4·filters)`, `bias` `(4·filters)`.
 *
 * @example
 * ```ts
 * import { ConvLSTM1D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const layer = new ConvLSTM1D(2, 3, { padding: "same", returnSequences: true });
 * const y = layer.apply(Tensor.zeros([1, 3, 5, 2])) as Tensor; // shape [1, 3, 5, 2]
 * ```
 */
export class ConvLSTM1D extends ConvLSTM {
  /** Keras class name. */
  static override readonly className: string = "ConvLSTM1D";

  /** `filters` output channels, windows of `kernelSize`. */
  constructor(filters: number, kernelSize: number | number[], options: ConvLSTMOptions = {}) {
    super(1, filters, kernelSize, options);
  }

  /** Builds a ConvLSTM1D from its Keras config (every key read or refused). */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): ConvLSTM1D {
    const { r, filters, kernelSize, opts } = readConvLSTM("ConvLSTM1D", config, options);
    const layer = new ConvLSTM1D(filters, kernelSize, opts);
    r.done();
    return layer;
  }
}

/**
 * Keras `ConvLSTM2D`: an LSTM whose products are 2D convolutions, on `(batch, time, rows, cols,
 * channels)` inputs; outputs `(batch, [time,] out_rows, out_cols, filters)`. Weights
 * `conv_lstm_cell/kernel` `(kh, kw, channels, 4·filters)`, `recurrent_kernel`
 * `(kh, kw, filters, 4·filters)`, `bias` `(4·filters)`.
 *
 * @example
 * ```ts
 * import { ConvLSTM2D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const layer = new ConvLSTM2D(2, 2);
 * const y = layer.apply(Tensor.zeros([1, 3, 5, 5, 1])) as Tensor; // shape [1, 4, 4, 2]
 * ```
 */
export class ConvLSTM2D extends ConvLSTM {
  /** Keras class name. */
  static override readonly className: string = "ConvLSTM2D";

  /** `filters` output channels, windows of `kernelSize` (one number or `[rows, cols]`). */
  constructor(filters: number, kernelSize: number | number[], options: ConvLSTMOptions = {}) {
    super(2, filters, kernelSize, options);
  }

  /** Builds a ConvLSTM2D from its Keras config (every key read or refused). */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): ConvLSTM2D {
    const { r, filters, kernelSize, opts } = readConvLSTM("ConvLSTM2D", config, options);
    const layer = new ConvLSTM2D(filters, kernelSize, opts);
    r.done();
    return layer;
  }
}

registerLayer("ConvLSTM1D", (config, options) => ConvLSTM1D.fromConfig(config, options));
registerLayer("ConvLSTM2D", (config, options) => ConvLSTM2D.fromConfig(config, options));
