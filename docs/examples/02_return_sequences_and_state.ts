/**
 * Example 2 — what SimpleRNN, LSTM and GRU return, with and without `returnSequences` and
 * `returnState`, called eagerly on a `(2, 4, 3)` batch with 5 units:
 *
 * | options | SimpleRNN / GRU | LSTM |
 * | --- | --- | --- |
 * | none | `(2, 5)` last output | `(2, 5)` |
 * | `returnSequences` | `(2, 4, 5)` every timestep | `(2, 4, 5)` |
 * | `returnState` | `[(2, 5), h (2, 5)]` | `[(2, 5), h (2, 5), c (2, 5)]` |
 * | both | `[(2, 4, 5), h]` | `[(2, 4, 5), h, c]` |
 *
 * The last output equals the final hidden state h.
 *
 * @module
 */
import { Tensor, tensor } from "@kerno/tensor";
import { GRU, type Layer, LSTM, SimpleRNN } from "@kerno/layers";
import { type Print, shapeText } from "./_print.ts";

/** What the example found. */
export interface ShapesResult {
  /** Output shapes by label, e.g. `"LSTM(5, returnState)"` → `[[2, 5], [2, 5], [2, 5]]`. */
  shapes: Record<string, number[][]>;
  /** Whether, with `returnState`, the last output equals h for every layer kind. */
  lastOutputIsH: boolean;
}

type Options = { returnSequences?: boolean; returnState?: boolean };

const KINDS: [string, (units: number, options: Options) => Layer][] = [
  ["SimpleRNN", (u, o) => new SimpleRNN(u, o)],
  ["LSTM", (u, o) => new LSTM(u, o)],
  ["GRU", (u, o) => new GRU(u, o)],
];

const VARIANTS: [string, Options][] = [
  ["", {}],
  [", returnSequences", { returnSequences: true }],
  [", returnState", { returnState: true }],
  [", returnSequences, returnState", { returnSequences: true, returnState: true }],
];

/** Runs the example, printing through `print`. */
export function run(print: Print): ShapesResult {
  const values = Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i) / 2);
  const x = tensor(values, [2, 4, 3]);
  print(`x: ${shapeText(x.shape)}`);
  const shapes: Record<string, number[][]> = {};
  let lastOutputIsH = true;
  for (const [kind, make] of KINDS) {
    for (const [suffix, options] of VARIANTS) {
      const label = `${kind}(5${suffix})`;
      const result = make(5, options).apply(x);
      const list = result instanceof Tensor ? [result] : (result as Tensor[]);
      shapes[label] = list.map((t) => [...t.shape]);
      if (suffix === ", returnState") {
        const [last, h] = list;
        lastOutputIsH &&= last.data.every((v, i) => v === h.data[i]);
      }
      const text = list.map((t) => shapeText(t.shape));
      print(`${label.padEnd(42)} -> ${list.length === 1 ? text[0] : `[${text.join(", ")}]`}`);
    }
  }
  print(`with returnState, the last output equals h: ${lastOutputIsH}`);
  return { shapes, lastOutputIsH };
}
