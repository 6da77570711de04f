import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import { cellOnlyOptions, checkUseCudnn } from "./cell_options.ts";
import { GRUCell, type GRUCellOptions, readGRUOptions } from "./gru_cell.ts";
import { readRNNOptions, RNN, type RNNOptions } from "./rnn.ts";

/** Options of {@linkcode GRU}: the cell's arguments and the RNN flags. */
export interface GRUOptions extends GRUCellOptions, RNNOptions {
  /** Accepted for Keras parity (`"auto"`, true, false); Kerno has one CPU implementation. */
  useCudnn?: "auto" | boolean;
}

/**
 * Gated Recurrent Unit layer (Cho et al. 2014), Keras 3 semantics: an {@linkcode RNN} over a
 * {@linkcode GRUCell} named `gru_cell`. `resetAfter` (default true) selects the bias layout
 * `(2, 3u)` and the reset gate applied after the recurrent matmul.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { GRU } from "@kerno/layers";
 * const y = new GRU(4).apply(tensor([0.1, 0.2, 0.3], [1, 3, 1])); // [1, 4]
 * ```
 */
export class GRU extends RNN {
  /** Keras class name. */
  static override readonly className: string = "GRU";
  /** The GRUCell this layer runs. */
  declare readonly cell: GRUCell;

  /** A GRU of `units` units. */
  constructor(units: number, options: GRUOptions = {}) {
    super(new GRUCell(units, { ...cellOnlyOptions(options), name: "gru_cell" }), options);
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
      ...a.trainingConfig(this.activityRegularizer),
      reset_after: c.resetAfter,
      seed: a.seed,
    };
  }

  /** Builds a GRU from its Keras config (every key read or refused). */
  static override fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GRU {
    const r = new ConfigReader("GRU", config, options);
    const layer = new GRU(r.number("units"), {
      ...readRNNOptions(r),
      ...readGRUOptions(r, options),
      useCudnn: r.raw("use_cudnn") as GRUOptions["useCudnn"],
    });
    r.done();
    return layer;
  }
}
