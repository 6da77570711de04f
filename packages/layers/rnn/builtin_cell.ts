import { type F32, type PackedMatrix, packMatrix, ResidentArray, Tensor } from "@kerno/tensor";
import type { Shape } from "../shape.ts";
import { cellInputDim, type CellStepResult, type FusedStepper, RNNCell } from "./cell.ts";

/**
 * Base of the built-in cells: the Keras-style {@linkcode RNNCell.step} runs the same fused
 * kernels as the RNN loop, so there is one implementation of each cell's math. Internal.
 */
export abstract class BuiltinCell extends RNNCell {
  /** Storage of the packed weights, re-filled at every call (never reused for its values). */
  #packed: (PackedMatrix | undefined)[] = [];
  /** Storage of the resident copies of biases for the compute core, re-filled at every call. */
  #resident: (ResidentArray | undefined)[] = [];

  /** The fast path; built-in cells always have one. */
  abstract override prepareFused(batch: number): FusedStepper;

  /** The feature count of a `[batch, features]` build shape; it must be known. */
  protected featureDim(inputShapes: readonly Shape[]): number {
    const shape = inputShapes[0];
    const dim = shape?.[shape.length - 1];
    if (typeof dim !== "number") {
      throw new TypeError(
        `Cell "${this.name}" needs a known feature dimension to build, received input shape ` +
          `${JSON.stringify(shape)}`,
      );
    }
    return dim;
  }

  /** `[kernel, recurrent_kernel, bias?]` as read now from the variables (never cached). */
  protected weightArrays(): [F32, F32, F32 | undefined] {
    const v = this.ownVariables;
    if (v.length < 2) {
      throw new TypeError(`Cell "${this.name}" is not built: call the layer or build() first`);
    }
    return [v[0].value.f32, v[1].value.f32, v[2]?.value.f32];
  }

  /**
   * The `k × n` matrix at `w[offset + p·ld + j]` packed for `gemmPacked`, from the values `w`
   * holds now. The storage of slot `slot` is kept between calls so that a call does not
   * allocate (and zero) a large buffer; its values are overwritten at every call, never reused.
   */
  protected packWeight(
    slot: number,
    w: F32,
    k: number,
    n: number,
    offset = 0,
    ld = n,
  ): PackedMatrix {
    const p = packMatrix(w, offset, ld, k, n, false, this.#packed[slot]);
    this.#packed[slot] = p;
    return p;
  }

  /**
   * `n` values of `w` from `offset`, copied now into a {@linkcode ResidentArray} for the compute
   * core (the storage of slot `slot` is kept between calls), or null when `w` is undefined.
   */
  protected residentCopy(
    slot: number,
    w: F32 | undefined,
    offset: number,
    n: number,
  ): ResidentArray | null {
    if (w === undefined) return null;
    let r = this.#resident[slot];
    if (r === undefined || r.length !== n) {
      r?.free();
      r = new ResidentArray(n);
      this.#resident[slot] = r;
    }
    r.f32.set(w.subarray(offset, offset + n));
    return r;
  }

  /** One step on `[batch, features]`, through the fused kernels (allocates new state tensors). */
  step(input: Tensor, states: readonly Tensor[]): CellStepResult {
    const dim = cellInputDim(this);
    if (input.rank !== 2 || input.shape[1] !== dim) {
      throw new TypeError(
        `Cell "${this.name}" expects inputs of shape (batch, ${dim}), received ` +
          `(${input.shape.join(", ")})`,
      );
    }
    const batch = input.shape[0];
    const stepper = this.prepareFused(batch);
    const next = stepper.resident
      ? residentStep(stepper, input.f32, states.map((s) => s.f32), batch)
      : plainStep(stepper, input.f32, states.map((s) => s.f32.slice()), batch);
    const out = next.map((d, i) => new Tensor(d, [batch, stepper.stateSizes[i]]));
    return { output: out[0].clone(), states: out };
  }
}

/** One step on plain arrays: `states` (copies) are updated and returned. */
function plainStep(stepper: FusedStepper, x: F32, states: F32[], batch: number): F32[] {
  const proj = new Float32Array(batch * stepper.width);
  stepper.project(x, 0, batch, proj, 0);
  stepper.step(proj, 0, stepper.width, states, null, 0, 0);
  stepper.dispose?.();
  return states;
}

/** One step staged through resident copies of the input, the projections and the states. */
function residentStep(stepper: FusedStepper, x: F32, states: F32[], batch: number): F32[] {
  const xs = new ResidentArray(x.length);
  const proj = new ResidentArray(batch * stepper.width);
  const resident = states.map((s) => new ResidentArray(s.length));
  try {
    xs.f32.set(x);
    resident.forEach((r, i) => r.f32.set(states[i]));
    stepper.project(xs.f32, 0, batch, proj.f32, 0);
    stepper.step(proj.f32, 0, stepper.width, resident.map((r) => r.f32), null, 0, 0);
    return resident.map((r) => r.f32.slice());
  } finally {
    stepper.dispose?.();
    for (const r of [xs, proj, ...resident]) r.free();
  }
}
