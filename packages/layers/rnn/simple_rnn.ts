import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import { cellOnlyOptions, type CellOptions, readCellOptions } from "./cell_options.ts";
import { readRNNOptions, RNN, type RNNOptions } from "./rnn.ts";
import { SimpleRNNCell } from "./simple_rnn_cell.ts";

/** Options of {@linkcode SimpleRNN}: the cell's arguments and the RNN flags. */
export interface SimpleRNNOptions extends CellOptions, RNNOptions {}

/**
 * Fully-connected RNN whose output is fed back as input (Keras 3 semantics): an
 * {@linkcode RNN} over a {@linkcode SimpleRNNCell} named `simple_rnn_cell`.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { SimpleRNN } from "@kerno/layers";
 * const y = new SimpleRNN(3, { returnSequences: true })
 *   .apply(tensor([0.1, 0.2, 0.3, 0.4], [1, 4, 1])); // [1, 4, 3]
 * ```
 */
export class SimpleRNN extends RNN {
  /** Keras class name. */
  static override readonly className: string = "SimpleRNN";
  /** The SimpleRNNCell this layer runs. */
  declare readonly cell: SimpleRNNCell;

  /** A SimpleRNN of `units` units. */
  constructor(units: number, options: SimpleRNNOptions = {}) {
    super(
      new SimpleRNNCell(units, { ...cellOnlyOptions(options), name: "simple_rnn_cell" }),
      options,
    );
  }

  /** Number of units. */
  get units(): number {
    return this.cell.args.units;
  }

  /** Keras's flat config: the RNN flags, then the cell's arguments (no `cell`, no `seed`). */
  override getConfig(): Record<string, unknown> {
    const a = this.cell.args;
    return {
      ...this.rnnConfig(),
      units: a.units,
      activation: a.activationName,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      ...a.trainingConfig(this.activityRegularizer),
    };
  }

  /** Builds a SimpleRNN from its Keras config (every key read or refused). */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): SimpleRNN {
    const r = new ConfigReader("SimpleRNN", config, options);
    const layer = new SimpleRNN(r.number("units"), {
      ...readRNNOptions(r),
      ...readCellOptions(r, options),
    });
    r.done();
    return layer;
  }
}
