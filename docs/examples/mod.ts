/**
 * The runnable examples of the Kerno guide, in the order `deno task demo` runs them: the Keras
 * RNN tutorial, step by step. Each module exports `run(print)`, which prints its walk-through
 * and returns the key numbers (the tests in `tests/examples_test.ts` check them).
 *
 * @module
 */
import type { Print } from "./_print.ts";
import { run as inputShape } from "./01_input_shape.ts";
import { run as returnSequencesAndState } from "./02_return_sequences_and_state.ts";
import { run as summary } from "./03_summary.ts";
import { run as paramCounts } from "./04_param_counts.ts";
import { run as lstmReturnState } from "./05_lstm_return_state.ts";
import { run as bidirectionalConstant } from "./06_bidirectional_constant.ts";
import { run as encoderDecoder } from "./07_encoder_decoder.ts";
import { run as customCell } from "./08_custom_cell.ts";

export type { Print } from "./_print.ts";

/** One example: a title and its `run`. */
export interface Example {
  /** File name without extension. */
  id: string;
  /** Heading printed by the demo. */
  title: string;
  /** Runs the example. */
  run: (print: Print) => unknown;
}

/** Every example, in tutorial order. */
export const EXAMPLES: readonly Example[] = [
  { id: "01_input_shape", title: "Input shape: (batch, timesteps, features)", run: inputShape },
  {
    id: "02_return_sequences_and_state",
    title: "SimpleRNN, LSTM and GRU: returnSequences and returnState",
    run: returnSequencesAndState,
  },
  { id: "03_summary", title: "summary(): SimpleRNN(128) + Dense(2)", run: summary },
  {
    id: "04_param_counts",
    title: "Parameter counts: LSTM(1000) and GRU(128) without bias",
    run: paramCounts,
  },
  {
    id: "05_lstm_return_state",
    title: "LSTM(1, returnState) on [0.1, 0.2, 0.3] with fixed weights",
    run: lstmReturnState,
  },
  {
    id: "06_bidirectional_constant",
    title: "Bidirectional LSTM with constant initializers",
    run: bidirectionalConstant,
  },
  {
    id: "07_encoder_decoder",
    title: "Encoder-decoder: the encoder's states as the decoder's initialState",
    run: encoderDecoder,
  },
  {
    id: "08_custom_cell",
    title: "A cell you write yourself, inside RNN and Bidirectional",
    run: customCell,
  },
];
