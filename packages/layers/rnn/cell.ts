import { type F32, Tensor } from "@kerno/tensor";
import { type CallContext, Layer, type OutputStructure, type ShapeContext } from "../layer.ts";
import type { Shape } from "../shape.ts";

/** What one step of a cell returns: the step's output and the new states. */
export interface CellStepResult {
  /** Output of the step, `[batch, outputSize]`. */
  output: Tensor;
  /** New states, one `[batch, stateSize[i]]` tensor per state. */
  states: Tensor[];
}

/**
 * The fast path of a built-in cell, prepared for one layer call: weights read from their
 * variables, scratch allocated for `batch` rows. The RNN loop calls {@linkcode FusedStepper.project}
 * once over all `batch × timesteps` rows before the time loop, then
 * {@linkcode FusedStepper.step} once per timestep; neither allocates.
 *
 * Contract: the cell's output at a step is its first state (`h`), so the loop reads the output
 * from `states[0]`.
 */
export interface FusedStepper {
  /**
   * True when {@linkcode FusedStepper.project} and {@linkcode FusedStepper.step} need their
   * arrays (projections, states, mask) to be views of `ResidentArray`s of the compute core.
   */
  readonly resident?: boolean;
  /** Width of one projection row: `G · units` (SimpleRNN 1, GRU 3, LSTM 4 gates). */
  readonly width: number;
  /** Sizes of the states, in order (`[units, units]` for LSTM). */
  readonly stateSizes: readonly number[];
  /**
   * Input projection with the input bias folded in: `out[r] = x[r]·kernel + bias` for `rows`
   * rows; `x` rows are `lda` apart (default `inputDim`), `out` rows `width` apart. One gemm.
   */
  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number, lda?: number): void;
  /**
   * Whether {@linkcode FusedStepper.project} can read `x` from any array now, with any `lda`
   * (the native BLAS backend runs its product), so that the loop may project each step's rows
   * straight from the input instead of gathering them first. Absent: it cannot.
   */
  projectsAnyRows?(): boolean;
  /**
   * One timestep for the prepared batch. Row `b`'s projection sits at
   * `proj[projOffset + b·projStride]` and is consumed (overwritten). `states[i]` is
   * `[batch, stateSizes[i]]`, updated in place. A row whose
   * `mask[maskOffset + b·maskStride]` is 0 keeps its states unchanged (it is skipped).
   */
  step(
    proj: F32,
    projOffset: number,
    projStride: number,
    states: F32[],
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): void;
  /** Releases what the stepper holds for this call (resident scratch); called once, at the end. */
  dispose?(): void;
}

/**
 * A recurrent cell, as in Keras: it owns the weights and one timestep; the {@linkcode RNN}
 * layer owns the loop, the states, masks, direction and statefulness.
 *
 * A user-written cell sets `stateSize` and `outputSize`, creates its weights in `build` (the
 * input shape is `[batch, features]`) and implements {@linkcode RNNCell.step}. Built-in cells
 * also implement {@linkcode RNNCell.prepareFused}, the allocation-free fast path.
 *
 * @example A minimal cell (the Keras docs' `MinimalRNNCell`)
 * ```ts
 * import { Tensor, tensor } from "@kerno/tensor";
 * import { getInitializer, RNN, RNNCell, type Shape, type Variable } from "@kerno/layers";
 *
 * class MinimalRNNCell extends RNNCell {
 *   static override readonly className = "MinimalRNNCell";
 *   readonly stateSize: number[];
 *   readonly outputSize: number;
 *   #kernel?: Variable;
 *   #recurrent?: Variable;
 *   constructor(readonly units: number) {
 *     super();
 *     this.stateSize = [units];
 *     this.outputSize = units;
 *   }
 *   override build(shapes: readonly Shape[]): void {
 *     const dim = shapes[0][shapes[0].length - 1] as number;
 *     const init = getInitializer({ class_name: "RandomUniform", config: { seed: 1 } });
 *     this.#kernel = this.addWeight("kernel", [dim, this.units], init);
 *     this.#recurrent = this.addWeight("recurrent_kernel", [this.units, this.units], init);
 *     super.build(shapes);
 *   }
 *   step(input: Tensor, states: readonly Tensor[]) {
 *     const [b, d] = input.shape, u = this.units;
 *     const k = this.#kernel!.value.f32, r = this.#recurrent!.value.f32;
 *     const x = input.f32, h = states[0].f32, out = new Float32Array(b * u);
 *     for (let i = 0; i < b; i++) {
 *       for (let j = 0; j < u; j++) {
 *         let s = 0;
 *         for (let p = 0; p < d; p++) s += x[i * d + p] * k[p * u + j];
 *         for (let p = 0; p < u; p++) s += h[i * u + p] * r[p * u + j];
 *         out[i * u + j] = s;
 *       }
 *     }
 *     const y = new Tensor(out, [b, u]);
 *     return { output: y, states: [y] };
 *   }
 * }
 *
 * const y = new RNN(new MinimalRNNCell(4)).apply(tensor([[[1, 2], [3, 4], [5, 6]]])) as Tensor;
 * y.shape; // [1, 4]
 * ```
 */
export abstract class RNNCell extends Layer {
  /** Size of each state (Keras's `state_size`, always as a list here). */
  abstract readonly stateSize: readonly number[];
  /** Size of the output of one step (Keras's `output_size`). */
  abstract readonly outputSize: number;

  /**
   * Whether Keras's `state_size` is a list (`LSTMCell`: `[u, u]`) rather than one integer
   * (`GRUCell`, `SimpleRNNCell`). It decides how `return_state` nests the states of a
   * {@linkcode StackedRNNCells}. Defaults to "more than one state".
   */
  get stateIsList(): boolean {
    return this.stateSize.length > 1;
  }

  /**
   * One timestep, Keras-style: `input` is `[batch, features]`, `states` one tensor per state.
   * Returns the output and the new states (new tensors; the inputs are not modified).
   */
  abstract step(input: Tensor, states: readonly Tensor[]): CellStepResult;

  /**
   * The allocation-free fast path for `batch` rows, or `null` when the cell has none (the RNN
   * then calls {@linkcode RNNCell.step} at each timestep). Weights are read now, at call time.
   */
  prepareFused(_batch: number): FusedStepper | null {
    return null;
  }

  /**
   * The fast paths of this cell and the cells it stacks, in order, or `null` when any of them
   * has none.
   */
  fusedSteppers(batch: number): FusedStepper[] | null {
    const s = this.prepareFused(batch);
    return s ? [s] : null;
  }

  /**
   * How the flat states (numbered from `offset`) nest in `return_state` outputs: flat for a
   * single cell, one group per cell for {@linkcode StackedRNNCells}.
   */
  stateStructure(offset: number): OutputStructure[] {
    return this.stateSize.map((_, i) => offset + i);
  }

  /** Zero states for `batch` rows (Keras's `get_initial_state`). */
  getInitialState(batch: number): Tensor[] {
    return this.stateSize.map((s) => Tensor.zeros([batch, s]));
  }

  /** `[batch, outputSize]`, then one `[batch, size]` shape per state. */
  override computeOutputShape(inputShapes: readonly Shape[], _context?: ShapeContext): Shape[] {
    const batch = inputShapes[0][0];
    return [[batch, this.outputSize], ...this.stateSize.map((s) => [batch, s])];
  }

  /** Calls {@linkcode RNNCell.step} on `[input, ...states]`; returns `[output, ...states]`. */
  override call(inputs: readonly Tensor[], _context?: CallContext): Tensor[] {
    const want = this.stateSize.length;
    if (inputs.length !== want + 1) {
      throw new RangeError(
        `Cell "${this.name}" expects an input and ${want} state(s), but received ${
          inputs.length - 1
        } state(s)`,
      );
    }
    const r = this.step(inputs[0], inputs.slice(1));
    return [r.output, ...r.states];
  }

  /** One output plus one per state. */
  override outputCount(): number {
    return 1 + this.stateSize.length;
  }

  /** `[output, [states…]]`, as a Keras cell returns `(output, new_states)`. */
  override outputStructure(): OutputStructure {
    return [0, this.stateSize.map((_, i) => i + 1)];
  }
}

/** The input feature count a built cell expects (last dim of its build shape), or null. */
export function cellInputDim(cell: Layer): number | null {
  const s = cell.buildShapes?.[0];
  if (!s || s.length === 0) return null;
  return s[s.length - 1];
}
