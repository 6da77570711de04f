/**
 * Example 1 — the input of a recurrent layer is 3D: `(batch, timesteps, features)`.
 *
 * A batch of 2 sequences, 4 timesteps each, 3 features per timestep. In a Functional model the
 * batch dimension is left out (`Input({ shape: [4, 3] })`, printed as `(None, 4, 3)`), and a
 * `null` timestep count accepts sequences of any length.
 *
 * @example
 * ```ts ignore
 * import { run } from "./01_input_shape.ts";
 * run(console.log);
 * ```
 *
 * @module
 */
import { tensor } from "@kerno/tensor";
import { Input } from "@kerno/model";
import { type Print, shapeText } from "./_print.ts";

/** Shapes this example shows. */
export interface InputShapeResult {
  /** The concrete batch: `[2, 4, 3]`. */
  batchShape: number[];
  /** The symbolic input with a fixed length: `[null, 4, 3]`. */
  fixedInput: (number | null)[];
  /** The symbolic input with any length: `[null, null, 3]`. */
  anyLengthInput: (number | null)[];
}

/** Runs the example, printing through `print`. */
export function run(print: Print): InputShapeResult {
  // 2 sequences × 4 timesteps × 3 features.
  const x = tensor([
    [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9], [1.0, 1.1, 1.2]],
    [[1.2, 1.1, 1.0], [0.9, 0.8, 0.7], [0.6, 0.5, 0.4], [0.3, 0.2, 0.1]],
  ]);
  print(`x.shape = ${shapeText(x.shape)}  (batch, timesteps, features)`);
  print(`  batch = ${x.shape[0]} sequences, timesteps = ${x.shape[1]}, features = ${x.shape[2]}`);

  const fixed = Input({ shape: [4, 3] });
  print(`Input({ shape: [4, 3] })    -> ${shapeText(fixed.shape)}   batch left open`);
  const anyLength = Input({ shape: [null, 3] });
  print(`Input({ shape: [null, 3] }) -> ${shapeText(anyLength.shape)}  any number of timesteps`);
  return {
    batchShape: [...x.shape],
    fixedInput: [...fixed.shape],
    anyLengthInput: [...anyLength.shape],
  };
}
