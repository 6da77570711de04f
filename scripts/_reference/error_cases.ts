/**
 * The entries of `errors.json` translated to Kerno. Each entry is a Python program that Keras
 * either rejects (`raised: true`, with a message) or accepts on purpose (`raised: false`). Here
 * each known entry name maps to a TypeScript program doing the same with Kerno; the check is that
 * Kerno throws, with a message carrying the gist of Keras's, or does not throw. Entries without a
 * translation are skipped, not failed.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import { Bidirectional, LSTM, resetLayerNames, SimpleRNN } from "@kerno/layers";
import { Dense } from "@kerno/layers";
import { Input, Model, Sequential } from "@kerno/model";
import type { CaseResult } from "./run_case.ts";
import { errorText } from "./check_outputs.ts";

/** One entry of `errors.json`. */
export interface ErrorEntry {
  /** Entry id. */
  name: string;
  /** What the program does. */
  description?: string;
  /** The Python program. */
  python_code?: string;
  /** Whether Keras raised. */
  raised: boolean;
  /** Python exception class, when raised. */
  exception_class?: string | null;
  /** Keras's message, when raised. */
  message?: string | null;
}

/** A Kerno translation of one entry. */
export interface ErrorCase {
  /** Does what the Python does; throws where Kerno refuses the program. */
  run(): unknown;
  /** Patterns Kerno's message must all match when Keras raised: the gist of Keras's message. */
  expect?: RegExp[];
  /** Where Kerno's behaviour deliberately differs from Keras's, for the reader of the table. */
  note?: string;
}

const NOT_CONNECTED = /disconnected|not connected|cannot (?:be )?reach|unreachable/i;

type BidiOptions = ConstructorParameters<typeof Bidirectional>[1];

/** Kerno translations of the `errors.json` entries, by entry name. */
export const ERROR_CASES: Readonly<Record<string, ErrorCase>> = {
  error_simplernn_on_2d_input: {
    run() {
      const x = Input({ shape: [10] });
      new SimpleRNN(50).apply(x);
    },
    expect: [/simple_rnn/, /expected ndim=3, found ndim=2/],
  },
  error_simplernn_on_4d_input: {
    run() {
      const x = Input({ shape: [10, 30, 40] });
      new SimpleRNN(50).apply(x);
    },
    expect: [/simple_rnn/, /expected ndim=3, found ndim=4/],
  },
  error_lstm_set_weights_wrong_feature_dim: {
    run() {
      const model = new Sequential([Input({ shape: [5, 3] }), new LSTM(4)]);
      model.setWeights([
        Tensor.zeros([3 + 1, 4 * 4]),
        Tensor.zeros([4, 4 * 4]),
        Tensor.zeros([16]),
      ]);
    },
    expect: [/\(3, 16\)/, /\(4, 16\)/, /compatible|mismatch/i],
  },
  error_lstm_predict_wrong_feature_dim: {
    run() {
      const model = new Sequential([Input({ shape: [5, 3] }), new LSTM(4)]);
      model.predict(Tensor.zeros([2, 5, 3 + 1]));
    },
    expect: [/\b3\b/, /\b4\b/, /shape|dim|feature|size/i],
    note: "Kerno checks the input shape before running; Keras fails inside the cell's matmul",
  },
  error_lstm_symbolic_call_wrong_feature_dim: {
    run() {
      const lstm = new LSTM(4);
      lstm.apply(Input({ shape: [5, 3] }));
      lstm.apply(Input({ shape: [5, 3 + 1] }));
    },
  },
  error_lstm_eager_call_wrong_feature_dim: {
    run() {
      const lstm = new LSTM(4);
      lstm.apply(Input({ shape: [5, 3] }));
      lstm.apply(Tensor.zeros([2, 5, 3 + 1]));
    },
    expect: [/\b3\b/, /\b4\b/, /shape|dim|feature|size|kernel/i],
  },
  error_disconnected_state_as_input: {
    run() {
      const xEnc = Input({ shape: [5, 3] });
      const xDec = Input({ shape: [5, 3] });
      const [, h, c] = new LSTM(4, { returnState: true }).apply(xEnc) as unknown[];
      const y = new LSTM(4).apply(xDec, { initialState: [h, c] as never[] });
      new Model({ inputs: [xDec, h as never], outputs: y as never });
    },
    expect: [NOT_CONNECTED],
  },
  error_intermediate_tensor_as_input: {
    run() {
      const x = Input({ shape: [5, 3] });
      const [, h] = new LSTM(4, { returnState: true }).apply(x) as unknown[];
      const y = new Dense(2).apply(h as never);
      new Model({ inputs: h as never, outputs: y as never });
    },
  },
  error_non_keras_tensor_in_inputs: {
    run() {
      const x = Input({ shape: [5, 3] });
      const h0 = Tensor.zeros([1, 4]);
      const y = new LSTM(4).apply(x, { initialState: [h0, h0] as never[] });
      new Model({ inputs: [x, h0] as never, outputs: y as never });
    },
    expect: [/symbolic|KerasTensor|concrete/i],
    note: "Kerno refuses the mixed symbolic/concrete call itself, one statement before Keras's " +
      "Model() refuses the concrete input",
  },
  error_disconnected_graph: {
    run() {
      const x1 = Input({ shape: [null, 5] });
      const [, h, c] = new LSTM(5, { returnState: true }).apply(x1) as unknown[];
      const y1 = Input({ shape: [null, 5] });
      const dec = new LSTM(5, { returnSequences: true }).apply(y1, {
        initialState: [h, c] as never[],
      });
      new Model({ inputs: y1, outputs: dec as never });
    },
    expect: [NOT_CONNECTED],
  },
  error_initial_state_wrong_count: {
    run() {
      const x = Input({ shape: [5, 3] });
      const h0 = Input({ shape: [4] });
      const y = new LSTM(4).apply(x, { initialState: [h0] });
      const model = new Model({ inputs: [x, h0], outputs: y as never });
      model.predict([Tensor.zeros([2, 5, 3]), Tensor.zeros([2, 4])]);
    },
    expect: [/state/i],
    note: "Kerno may refuse the call when the graph is built; Keras fails only in predict()",
  },
  error_stateful_without_batch_size: {
    run() {
      const x = Input({ shape: [5, 3] });
      new LSTM(4, { stateful: true }).apply(x);
    },
    expect: [/stateful/i, /batch.size/i],
  },
  error_bidirectional_bad_merge_mode: {
    run() {
      new Bidirectional(new LSTM(4), { mergeMode: "max" } as unknown as BidiOptions);
    },
    expect: [/merge.?mode/i, /max/],
  },
};

/** Runs the translation of one `errors.json` entry and checks Kerno's behaviour. */
export async function checkErrorEntry(entry: ErrorEntry): Promise<CaseResult> {
  const name = entry.name;
  const tsCase = ERROR_CASES[name];
  if (!tsCase) return { name, status: "skip", maxAbsDiff: 0, problems: ["(no TS translation)"] };
  resetLayerNames();
  let thrown: unknown = undefined;
  let raised = false;
  try {
    await tsCase.run();
  } catch (e) {
    raised = true;
    thrown = e;
  }
  const problems: string[] = [];
  if (!entry.raised && raised) {
    problems.push(`Keras accepts this program, Kerno threw ${errorText(thrown)}`);
  } else if (entry.raised && !raised) {
    problems.push(`Keras raised ${entry.exception_class}, Kerno did not throw`);
  } else if (raised) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const missing = (tsCase.expect ?? []).filter((re) => !re.test(message));
    if (!(thrown instanceof Error)) problems.push(`Kerno threw a non-Error: ${String(thrown)}`);
    if (missing.length > 0) {
      problems.push(
        `Kerno's message lacks ${missing.map(String).join(", ")}: ${errorText(thrown)}`,
      );
    }
  }
  return { name, status: problems.length ? "fail" : "pass", maxAbsDiff: 0, problems };
}
