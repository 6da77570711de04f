/**
 * Example 4 — parameter counts of the tutorial's larger layers, computed by building them:
 *
 * - `LSTM(1000, useBias: false)` on 10 features: 4·units·(features + units) = 4·1000·1010 =
 *   4,040,000 (4 gates i, f, c, o; no bias).
 * - `GRU(128, useBias: false)` on 10 features: 3·units·(features + units) = 3·128·138 = 52,992
 *   (3 gates z, r, h).
 *
 * Each layer gets a `Dense(2)` head, as in the tutorial.
 *
 * @module
 */
import { Dense, GRU, LSTM } from "@kerno/layers";
import { Sequential } from "@kerno/model";
import type { Print } from "./_print.ts";

/** Counts found. */
export interface ParamCountsResult {
  /** Params of the LSTM(1000) layer. */
  lstm1000: number;
  /** Params of the GRU(128) layer. */
  gru128: number;
  /** Totals of the two models, Dense heads included. */
  totals: { lstm: number; gru: number };
  /** Weight shapes of the LSTM: kernel and recurrent kernel. */
  lstmWeightShapes: number[][];
}

/** Runs the example, printing through `print`. */
export function run(print: Print): ParamCountsResult {
  // The values do not change the counts; zeros keep this 4-million-parameter build instant.
  const lstm = new LSTM(1000, {
    inputShape: [5, 10],
    returnSequences: true,
    useBias: false,
    kernelInitializer: "zeros",
    recurrentInitializer: "zeros",
  });
  const lstmModel = new Sequential([lstm, new Dense(2)]);
  const gru = new GRU(128, { inputShape: [5, 10], returnSequences: true, useBias: false });
  const gruModel = new Sequential([gru, new Dense(2)]);
  const fmt = (n: number) => n.toLocaleString("en-US");
  print(`LSTM(1000, useBias: false) on (5, 10): ${fmt(lstm.countParams())} params`);
  print(`  = 4 gates × 1000 units × (10 features + 1000 units)`);
  const lstmWeightShapes = lstm.weights.map((w) => [...w.shape]);
  for (const w of lstm.weights) print(`  ${w.path} ${JSON.stringify(w.shape)}`);
  print(`  with Dense(2): ${fmt(lstmModel.countParams())} in total`);
  print(`GRU(128, useBias: false) on (5, 10): ${fmt(gru.countParams())} params`);
  print(`  = 3 gates × 128 units × (10 features + 128 units)`);
  print(`  with Dense(2): ${fmt(gruModel.countParams())} in total`);
  return {
    lstm1000: lstm.countParams(),
    gru128: gru.countParams(),
    totals: { lstm: lstmModel.countParams(), gru: gruModel.countParams() },
    lstmWeightShapes,
  };
}
