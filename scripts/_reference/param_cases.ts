/**
 * The entries of `param_counts.json` translated to Kerno. Those entries carry no config and no
 * weights (some models are large), only the Python that built them and what Keras reported: the
 * totals, every layer's count, weight shapes and paths, and the summary. Each known entry name
 * maps to a builder that does what the Python does; unknown names are skipped.
 *
 * @module
 */
import { Bidirectional, Dense, GRU, LSTM, resetLayerNames, SimpleRNN } from "@kerno/layers";
import { TimeDistributed } from "@kerno/layers";
import { Input, Model, Sequential } from "@kerno/model";
import type { FixtureLayer } from "./case.ts";
import { checkStructure } from "./check_structure.ts";
import { errorText } from "./check_outputs.ts";
import type { CaseResult } from "./run_case.ts";

/** One entry of `param_counts.json`. */
export interface ParamEntry {
  /** Entry id. */
  name: string;
  /** The Python that built the model. */
  python_code?: string;
  /** `model.count_params()`. */
  total_params: number;
  /** Trainable parameter count. */
  trainable_params?: number;
  /** `model.layers` with counts, shapes and paths. */
  layers: FixtureLayer[];
  /** `model.weights`: paths and shapes, in order. */
  weights: { name: string; shape: number[] }[];
  /** `model.summary()` at the default width. */
  summary_text_default?: string;
}

/** Kerno builders for the `param_counts.json` entries, by entry name. */
export const PARAM_CASES: Readonly<Record<string, () => Model>> = {
  params_simplernn128_dense: () =>
    new Sequential([
      new SimpleRNN(128, { inputShape: [5, 3], returnSequences: true, useBias: true }),
      new Dense(2),
    ]),
  // Initial values do not change counts, shapes or paths; zeros skip an orthogonal
  // initialization of a 1000 × 4000 matrix that only costs time here.
  params_lstm1000_nobias_dense: () =>
    new Sequential([
      new LSTM(1000, {
        inputShape: [5, 10],
        returnSequences: true,
        useBias: false,
        kernelInitializer: "zeros",
        recurrentInitializer: "zeros",
      }),
      new Dense(2),
    ]),
  params_gru128_nobias_dense: () =>
    new Sequential([
      new GRU(128, { inputShape: [5, 10], returnSequences: true, useBias: false }),
      new Dense(2),
    ]),
  params_lstm1: () => new Sequential([Input({ shape: [3, 1] }), new LSTM(1)]),
  params_bidi_gru_reset_after_false: () =>
    new Sequential([
      Input({ shape: [7, 9] }),
      new Bidirectional(new GRU(20, { resetAfter: false, returnSequences: true })),
      new TimeDistributed(new Dense(4)),
    ]),
  params_encoder_decoder_256: () => {
    const x1 = Input({ shape: [null, 71] });
    const [, h, c] = new LSTM(256, { returnState: true }).apply(x1) as unknown[];
    const y1 = Input({ shape: [null, 93] });
    const [dec] = new LSTM(256, { returnSequences: true, returnState: true }).apply(y1, {
      initialState: [h, c] as never[],
    }) as unknown[];
    const out = new Dense(93, { activation: "softmax" }).apply(dec as never);
    return new Model({ inputs: [x1, y1], outputs: out as never });
  },
};

/** Builds the model of one `param_counts.json` entry and checks it against Keras's record. */
export function checkParamEntry(entry: ParamEntry): CaseResult {
  const name = entry.name;
  const build = PARAM_CASES[name];
  if (!build) return { name, status: "skip", maxAbsDiff: 0, problems: ["(no TS translation)"] };
  resetLayerNames();
  let model: Model;
  try {
    model = build();
  } catch (e) {
    return { name, status: "fail", maxAbsDiff: 0, problems: [`building threw ${errorText(e)}`] };
  }
  const problems: string[] = [];
  try {
    problems.push(...checkStructure(model, entry));
    const shapes = model.getWeights().map((t) => JSON.stringify(t.shape));
    const want = entry.weights.map((w) => JSON.stringify(w.shape));
    if (shapes.join() !== want.join()) {
      problems.push(`getWeights() shapes ${shapes.join(" ")} != Keras ${want.join(" ")}`);
    }
  } catch (e) {
    problems.push(`checking threw ${errorText(e)}`);
  }
  return { name, status: problems.length ? "fail" : "pass", maxAbsDiff: 0, problems };
}
