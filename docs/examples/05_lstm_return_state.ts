/**
 * Example 5 — `LSTM(1, returnState: true)` on the tutorial's one sequence `[0.1, 0.2, 0.3]`
 * (shape `(1, 3, 1)`), with fixed weights so the numbers can be checked by hand. The model
 * returns `[lstm1, stateH, stateC]`; `lstm1` and `stateH` are the same value (the last output
 * is the final hidden state) and `stateC` is the cell state.
 *
 * Gate order in the weights is Keras's: i, f, c, o.
 *
 * @module
 */
import { tensor } from "@kerno/tensor";
import { LSTM } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { type Print, valuesText } from "./_print.ts";

/** The fixed weights, in Keras's shapes and gate order [i, f, c, o]. */
export const WEIGHTS = {
  /** kernel (features=1, 4·units=4). */
  kernel: [0.5, -0.3, 0.8, 0.2],
  /** recurrent_kernel (units=1, 4). */
  recurrentKernel: [0.1, 0.4, -0.6, 0.3],
  /** bias (4): 1 in the forget block, as `unitForgetBias` starts it. */
  bias: [0.0, 1.0, 0.1, -0.1],
} as const;

/** The sequence of the tutorial. */
export const DATA = [0.1, 0.2, 0.3] as const;

/** What the model returned. */
export interface LstmStateResult {
  /** Shapes of `[lstm1, stateH, stateC]`. */
  shapes: number[][];
  /** The last output. */
  output: number;
  /** The final hidden state h. */
  h: number;
  /** The final cell state c. */
  c: number;
}

/** Runs the example, printing through `print`. */
export function run(print: Print): LstmStateResult {
  const inputs = Input({ shape: [3, 1] });
  const lstm = new LSTM(1, { returnState: true });
  const outputs = lstm.apply(inputs);
  const model = new Model({ inputs, outputs });
  model.setWeights([
    tensor([...WEIGHTS.kernel], [1, 4]),
    tensor([...WEIGHTS.recurrentKernel], [1, 4]),
    tensor([...WEIGHTS.bias], [4]),
  ]);
  const data = tensor([...DATA], [1, 3, 1]);
  print(`data ${valuesText(data.data)} reshaped to (1, 3, 1)`);
  const [lstm1, stateH, stateC] = model.predictFlat(data);
  print(`lstm1  = ${valuesText(lstm1.data)}  shape (1, 1)`);
  print(`stateH = ${valuesText(stateH.data)}  same as lstm1`);
  print(`stateC = ${valuesText(stateC.data)}  the cell state`);
  return {
    shapes: [lstm1, stateH, stateC].map((t) => [...t.shape]),
    output: lstm1.data[0],
    h: stateH.data[0],
    c: stateC.data[0],
  };
}
