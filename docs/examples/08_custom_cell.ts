/**
 * Example 8 — a cell you write yourself, as in the Keras guide's `MinimalRNNCell`: extend
 * `RNNCell`, say how big the state is, create the weights in `build` and compute one step in
 * `step`. The generic `RNN` layer runs it over time (with masks, `goBackwards`, `returnState`…),
 * and `Bidirectional` runs two copies of it, one per direction.
 *
 * ```python
 * class MinimalRNNCell(keras.layers.Layer):
 *     def __init__(self, units, **kwargs):
 *         super().__init__(**kwargs)
 *         self.units = units
 *         self.state_size = units
 *     def build(self, input_shape):
 *         self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
 *         self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")
 *     def call(self, inputs, states):
 *         prev_output = states[0]
 *         output = ops.matmul(inputs, self.kernel) + ops.matmul(prev_output, self.recurrent_kernel)
 *         return output, [output]
 * ```
 *
 * @module
 */
import { type NestedArray, Tensor, tensor } from "@kerno/tensor";
import {
  Bidirectional,
  type CellStepResult,
  getInitializer,
  type LayerOptions,
  RNN,
  RNNCell,
  type Shape,
  type Variable,
} from "@kerno/layers";
import type { Print } from "./_print.ts";

/** The Keras guide's minimal cell: `output = x·kernel + h·recurrent_kernel`, one state. */
export class MinimalRNNCell extends RNNCell {
  /** The class name Keras configs use. */
  static override readonly className: string = "MinimalRNNCell";
  /** Number of units. */
  readonly units: number;
  /** One state of `units` values per sample. */
  readonly stateSize: number[];
  /** Each step outputs `units` values. */
  readonly outputSize: number;
  #kernel: Variable | null = null;
  #recurrentKernel: Variable | null = null;

  /** A cell of `units` units. */
  constructor(units: number, options: LayerOptions = {}) {
    super(options);
    this.units = units;
    this.stateSize = [units];
    this.outputSize = units;
  }

  /** Creates `kernel` (features, units) and `recurrent_kernel` (units, units). */
  override build(shapes: readonly Shape[]): void {
    const features = shapes[0][shapes[0].length - 1] as number;
    const init = getInitializer("glorot_uniform");
    this.#kernel = this.addWeight("kernel", [features, this.units], init);
    this.#recurrentKernel = this.addWeight("recurrent_kernel", [this.units, this.units], init);
    super.build(shapes);
  }

  /** One step for the whole batch: `x` is (batch, features), `states[0]` is (batch, units). */
  step(x: Tensor, states: readonly Tensor[]): CellStepResult {
    const [batch, features] = x.shape;
    const u = this.units;
    const k = this.#kernel!.value.f32;
    const r = this.#recurrentKernel!.value.f32;
    const h = states[0].f32;
    const out = new Float32Array(batch * u);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < u; j++) {
        let s = 0;
        for (let p = 0; p < features; p++) s += x.f32[b * features + p] * k[p * u + j];
        for (let p = 0; p < u; p++) s += h[b * u + p] * r[p * u + j];
        out[b * u + j] = s;
      }
    }
    const output = new Tensor(out, [batch, u]);
    return { output, states: [output] };
  }

  /** Keras config: the base keys and `units`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }

  /** Re-creates the cell from its config (Bidirectional copies its layer this way). */
  static fromConfig(config: Record<string, unknown>): MinimalRNNCell {
    return new MinimalRNNCell(config.units as number, { name: config.name as string });
  }
}

/** What the example computed. */
export interface CustomCellResult {
  /** `RNN(MinimalRNNCell(2), returnSequences)` on the sequence. */
  sequence: NestedArray;
  /** `Bidirectional(RNN(MinimalRNNCell(2)))`: forward then backward last outputs. */
  bidirectional: NestedArray;
}

/** kernel [[1, -1]] and recurrent 0.5·I: numbers easy to follow by hand. */
function fixedWeights(): Tensor[] {
  return [tensor([[1, -1]]), tensor([[0.5, 0], [0, 0.5]])];
}

/** Runs the custom cell inside `RNN` and `Bidirectional` on the sequence [1, 2, 3]. */
export function run(print: Print): CustomCellResult {
  const x = tensor([1, 2, 3], [1, 3, 1]);
  print("x = [1, 2, 3], shape (1, 3, 1); kernel [[1, -1]], recurrent_kernel 0.5·I");

  const rnn = new RNN(new MinimalRNNCell(2), { returnSequences: true });
  rnn.apply(x); // builds the cell
  rnn.setWeights(fixedWeights());
  const sequence = (rnn.apply(x) as Tensor).toArray();
  print(`RNN(MinimalRNNCell(2), returnSequences) -> ${JSON.stringify(sequence)}`);
  print("  h1 = 1·[1, -1] = [1, -1]; h2 = 2·[1, -1] + 0.5·h1 = [2.5, -2.5]; h3 = [4.25, -4.25]");

  const bidi = new Bidirectional(new RNN(new MinimalRNNCell(2)));
  bidi.apply(x);
  bidi.setWeights([...fixedWeights(), ...fixedWeights()]);
  const bidirectional = (bidi.apply(x) as Tensor).toArray();
  print(`Bidirectional(RNN(MinimalRNNCell(2))) -> ${JSON.stringify(bidirectional)}`);
  print(
    "  forward ends on h3 = [4.25, -4.25]; backward reads 3, 2, 1: [3, -3], [3.5, -3.5], [2.75, -2.75]",
  );
  return { sequence, bidirectional };
}
