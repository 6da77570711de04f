/**
 * The recurrent layers of `@kerno/layers`: the cell contract ({@linkcode RNNCell}), the
 * built-in cells, {@linkcode StackedRNNCells}, the generic {@linkcode RNN} loop,
 * {@linkcode SimpleRNN}, {@linkcode LSTM}, {@linkcode GRU} and {@linkcode Bidirectional}.
 * Importing this module registers their Keras class names for deserialization.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { LSTM } from "@kerno/layers";
 * new LSTM(4).apply(tensor([0.1, 0.2, 0.3], [1, 3, 1])); // [1, 4]
 * ```
 *
 * @module
 */
import { registerLayer } from "../registry.ts";
import { Bidirectional } from "./bidirectional.ts";
import { GRU } from "./gru.ts";
import { GRUCell } from "./gru_cell.ts";
import { LSTM } from "./lstm.ts";
import { LSTMCell } from "./lstm_cell.ts";
import { RNN } from "./rnn.ts";
import { SimpleRNN } from "./simple_rnn.ts";
import { SimpleRNNCell } from "./simple_rnn_cell.ts";
import { StackedRNNCells } from "./stacked_rnn_cells.ts";

export type { CellStepResult, FusedStepper } from "./cell.ts";
export { RNNCell } from "./cell.ts";
export { BuiltinCell } from "./builtin_cell.ts";
export { CellArgs, type CellOptions, type GatedCellOptions } from "./cell_options.ts";
export { SimpleRNNCell } from "./simple_rnn_cell.ts";
export { LSTMCell, type LSTMCellOptions } from "./lstm_cell.ts";
export { GRUCell, type GRUCellOptions } from "./gru_cell.ts";
export { StackedRNNCells } from "./stacked_rnn_cells.ts";
export { RNN, type RNNOptions } from "./rnn.ts";
export { SimpleRNN, type SimpleRNNOptions } from "./simple_rnn.ts";
export { LSTM, type LSTMOptions } from "./lstm.ts";
export { GRU, type GRUOptions } from "./gru.ts";
export { Bidirectional, type BidirectionalOptions, type MergeMode } from "./bidirectional.ts";

registerLayer("SimpleRNNCell", SimpleRNNCell.fromConfig);
registerLayer("LSTMCell", LSTMCell.fromConfig);
registerLayer("GRUCell", GRUCell.fromConfig);
registerLayer("StackedRNNCells", StackedRNNCells.fromConfig);
registerLayer("RNN", RNN.fromConfig);
registerLayer("SimpleRNN", SimpleRNN.fromConfig);
registerLayer("LSTM", LSTM.fromConfig);
registerLayer("GRU", GRU.fromConfig);
registerLayer("Bidirectional", Bidirectional.fromConfig);
