/**
 * Example 3 — `summary()` of the tutorial's sequence model: a SimpleRNN(128) that returns the
 * whole sequence of 5 timesteps (3 features each), then a Dense(2) applied at every timestep.
 *
 * SimpleRNN params = units·(features + units + 1) = 128·(3 + 128 + 1) = 16,896; Dense params =
 * 128·2 + 2 = 258. Keras prints the same table.
 *
 * @module
 */
import { Dense, SimpleRNN } from "@kerno/layers";
import { Sequential } from "@kerno/model";
import type { Print } from "./_print.ts";

/** What the summary reports. */
export interface SummaryResult {
  /** Parameter count per layer name. */
  params: Record<string, number>;
  /** `model.countParams()`. */
  total: number;
  /** The summary text, one entry per line. */
  lines: string[];
}

/** Runs the example, printing through `print`. */
export function run(print: Print): SummaryResult {
  const model = new Sequential([
    new SimpleRNN(128, { inputShape: [5, 3], returnSequences: true }),
    new Dense(2),
  ]);
  const lines: string[] = [];
  model.summary((line: string) => {
    for (const l of line.split("\n")) lines.push(l);
  });
  for (const line of lines) print(line);
  const params: Record<string, number> = {};
  for (const layer of model.layers) params[layer.name] = layer.countParams();
  return { params, total: model.countParams(), lines };
}
