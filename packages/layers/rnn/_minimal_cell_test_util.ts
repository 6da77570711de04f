/**
 * Test helper: the Keras docs' `MinimalRNNCell`, written as a Kerno user would write it
 * (`output = x·kernel + h·recurrent_kernel`, one state). Internal to the tests of `rnn/`.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import type { LayerOptions } from "../layer.ts";
import type { Shape } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { getInitializer } from "../initializers/mod.ts";
import { type CellStepResult, RNNCell } from "./cell.ts";

/** A user-written cell with no fast path: the RNN runs its `step` at each timestep. */
export class MinimalRNNCell extends RNNCell {
  /** Keras class name. */
  static override readonly className: string = "MinimalRNNCell";
  /** Number of units. */
  readonly units: number;
  /** One state of `units`. */
  readonly stateSize: number[];
  /** `units`. */
  readonly outputSize: number;
  #kernel: Variable | null = null;
  #recurrent: Variable | null = null;

  /** A cell of `units` units. */
  constructor(units: number, options: LayerOptions = {}) {
    super(options);
    this.units = units;
    this.stateSize = [units];
    this.outputSize = units;
  }

  /** `kernel` (features, units) and `recurrent_kernel` (units, units). */
  override build(shapes: readonly Shape[]): void {
    const dim = shapes[0][shapes[0].length - 1] as number;
    const init = getInitializer("zeros");
    this.#kernel = this.addWeight("kernel", [dim, this.units], init);
    this.#recurrent = this.addWeight("recurrent_kernel", [this.units, this.units], init);
    super.build(shapes);
  }

  /** `h' = x·kernel + h·recurrent_kernel`. */
  step(input: Tensor, states: readonly Tensor[]): CellStepResult {
    const [b, d] = input.shape;
    const u = this.units;
    const k = this.#kernel!.value.f32;
    const r = this.#recurrent!.value.f32;
    const x = input.f32;
    const h = states[0].f32;
    const out = new Float32Array(b * u);
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < u; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += x[i * d + p] * k[p * u + j];
        for (let p = 0; p < u; p++) s += h[i * u + p] * r[p * u + j];
        out[i * u + j] = s;
      }
    }
    const y = new Tensor(out, [b, u]);
    return { output: y, states: [y] };
  }

  /** Base keys and `units`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), units: this.units };
  }

  /** Re-creates the cell from its config (needed by Bidirectional, which copies layers). */
  static fromConfig(config: Record<string, unknown>): MinimalRNNCell {
    return new MinimalRNNCell(config.units as number, { name: config.name as string });
  }
}

/** kernel [[1, -1]], recurrent 0.5·I: easy numbers to follow by hand. */
export function minimalWeights(): Tensor[] {
  return [
    new Tensor(new Float32Array([1, -1]), [1, 2]),
    new Tensor(new Float32Array([0.5, 0, 0, 0.5]), [2, 2]),
  ];
}
