import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import { cellOnlyOptions, checkUseCudnn } from "./cell_options.ts";
import { LSTMCell, type LSTMCellOptions, readLSTMOptions } from "./lstm_cell.ts";
import { readRNNOptions, RNN, type RNNOptions } from "./rnn.ts";

/** Options of {@linkcode LSTM}: the cell's arguments and the RNN flags. */
export interface LSTMOptions extends LSTMCellOptions, RNNOptions {
  /** Accepted for Keras parity (`"auto"`, true, false); Kerno has one CPU implementation. */
  useCudnn?: "auto" | boolean;
}

/**
 * Long Short-Term Memory layer (Hochreiter 1997), Keras 3 semantics: an {@linkcode RNN} over an
 * {@linkcode LSTMCell} named `lstm_cell` (weights `lstm/lstm_cell/kernel`, …). Its config is
 * flat, with the cell's arguments inline.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { LSTM } from "@kerno/layers";
 * const x = tensor([0.1, 0.2, 0.3], [1, 3, 1]);
 * const [seq, h, c] = new LSTM(4, { returnSequences: true, returnState: true })
 *   .apply(x) as unknown[]; // seq [1, 3, 4], h and c [1, 4]
 * ```
 */
export class LSTM extends RNN {
  /** Keras class name. */
  static override readonly className: string = "LSTM";
  /** The LSTMCell this layer runs. */
  declare readonly cell: LSTMCell;

  /** An LSTM of `units` units. */
  constructor(units: number, options: LSTMOptions = {}) {
    super(new LSTMCell(units, { ...cellOnlyOptions(options), name: "lstm_cell" }), options);
    checkUseCudnn(this.name, options.useCudnn);
  }

  /** Number of units. */
  get units(): number {
    return this.cell.args.units;
  }

  /** Keras's flat config: the RNN flags, then the cell's arguments (no `cell` key). */
  override getConfig(): Record<string, unknown> {
    const c = this.cell;
    const a = c.args;
    return {
      ...this.rnnConfig(),
      units: a.units,
      activation: a.activationName,
      recurrent_activation: c.recurrentActivation.name,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      unit_forget_bias: c.unitForgetBias,
      ...a.trainingConfig(this.activityRegularizer),
      seed: a.seed,
    };
  }

  /** Builds an LSTM from its Keras config (every key read or refused). */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): LSTM {
    const r = new ConfigReader("LSTM", config, options);
    const layer = new LSTM(r.number("units"), {
      ...readRNNOptions(r),
      ...readLSTMOptions(r, options),
      useCudnn: r.raw("use_cudnn") as LSTMOptions["useCudnn"],
    });
    r.done();
    return layer;
  }
}
