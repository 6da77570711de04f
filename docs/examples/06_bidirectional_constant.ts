/**
 * Example 6 — the published Bidirectional LSTM example: `LSTM(3)` with every kernel 0.1 and a
 * zero bias (plus the forget-gate 1 of `unitForgetBias`), wrapped in `Bidirectional`, returning
 * sequences and states, on one sequence of 4 timesteps × 5 features. Keras 3 gives
 * forward h = 0.6303139 (the last timestep of the forward half) and backward h = 0.7038734
 * (the first timestep of the backward half, which runs from the end); the numbers here are
 * computed by Kerno, not copied.
 *
 * Outputs: `[sequences (1, 4, 6), forward h, forward c, backward h, backward c]`.
 *
 * @module
 */
import { tensor } from "@kerno/tensor";
import { Bidirectional, Constant, LSTM } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { type Print, valuesText } from "./_print.ts";

/** The input of the published example, (1, 4, 5). */
export const DATA = [
  [0.1, 4.2, 1.5, 1.1, 2.8],
  [1.0, 3.1, 2.5, 0.7, 1.1],
  [0.3, 2.1, 1.5, 2.1, 0.1],
  [2.2, 1.4, 0.5, 0.9, 1.1],
] as const;

/** The five outputs, flat. */
export interface BidiResult {
  /** Merged sequence (concat: forward features first), flat, shape (1, 4, 6). */
  sequences: number[];
  /** Shapes of the five outputs. */
  shapes: number[][];
  /** Forward final h (3 values). */
  forwardH: number[];
  /** Forward final c. */
  forwardC: number[];
  /** Backward final h. */
  backwardH: number[];
  /** Backward final c. */
  backwardC: number[];
  /** Parameter count (2 × 4·3·(5 + 3 + 1) = 216). */
  params: number;
}

/** Runs the example, printing through `print`. */
export function run(print: Print): BidiResult {
  const x = Input({ shape: [4, 5] });
  const outs = new Bidirectional(
    new LSTM(3, {
      returnSequences: true,
      returnState: true,
      kernelInitializer: new Constant(0.1),
      biasInitializer: new Constant(0.0),
      recurrentInitializer: new Constant(0.1),
    }),
  ).apply(x);
  const model = new Model({ inputs: x, outputs: outs });
  const data = tensor(DATA.map((row) => [...row]), undefined).reshape([1, 4, 5]);
  const [seq, fh, fc, bh, bc] = model.predictFlat(data);
  print(`sequences ${JSON.stringify(seq.shape)}:`);
  for (let t = 0; t < 4; t++) print(`  t=${t} ${valuesText(seq.data.slice(t * 6, t * 6 + 6))}`);
  print(`forward h  ${valuesText(fh.data)}   forward c  ${valuesText(fc.data)}`);
  print(`backward h ${valuesText(bh.data)}   backward c ${valuesText(bc.data)}`);
  print(`params: ${model.countParams()}`);
  return {
    sequences: [...seq.data],
    shapes: [seq, fh, fc, bh, bc].map((t) => [...t.shape]),
    forwardH: [...fh.data],
    forwardC: [...fc.data],
    backwardH: [...bh.data],
    backwardC: [...bc.data],
    params: model.countParams(),
  };
}
