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
  /** What each packed slot was packed from: source array, layout and weight versions. */
  #packedFrom: (PackSource | undefined)[] = [];
  /** Storage of the resident copies of biases for the compute core, re-filled at every call. */
  #resident: (ResidentArray | undefined)[] = [];
  #residentFrom: (PackSource | undefined)[] = [];
  /** The input kernel and bias used instead of the variables' during a call, or null. */
  #inputWeights: { kernel: F32; bias: F32 } | null = null;

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

  /** The versions of this cell's variables: packed copies are re-made when they change. */
  #weightStamp(): string {
    return this.ownVariables.map((v) => v.version).join(",");
  }

  /** Whether slot `slot` of `cache` was made from exactly this source, layout and weights. */
  #fresh(
    cache: (PackSource | undefined)[],
    slot: number,
    w: F32,
    layout: string,
  ): boolean {
    const from = cache[slot];
    return from !== undefined && from.source === w && from.layout === layout &&
      from.stamp === this.#weightStamp();
  }

  /**
   * `[kernel, recurrent_kernel, bias?]` as read now from the variables, or with the input kernel
   * and bias given to {@linkcode BuiltinCell.withInputWeights} while its body runs.
   */
  protected weightArrays(): [F32, F32, F32 | undefined] {
    const v = this.ownVariables;
    if (v.length < 2) {
      throw new TypeError(`Cell "${this.name}" is not built: call the layer or build() first`);
    }
    const given = this.#inputWeights;
    if (given) return [given.kernel, v[1].value.f32, given.bias];
    return [v[0].value.f32, v[1].value.f32, v[2]?.value.f32];
  }

  /**
   * The input kernel and bias of this cell with a per-feature affine map of its input folded in:
   * for `x' = scale ⊙ x + offset`, `kernel'[k, j] = scale[k]·kernel[k, j]` and
   * `bias'[j] = bias[j] + Σ_k offset[k]·kernel[k, j]` (summed in float64, rounded once; a GRU's
   * recurrent bias row is copied as it is). `null` when the cell has no bias (nothing to fold the
   * offset into). The variables are not changed.
   */
  foldInputAffine(scale: F32, offset: F32): { kernel: Float32Array; bias: Float32Array } | null {
    const v = this.ownVariables;
    if (v.length < 3) return null;
    const kernel = v[0].value.f32;
    const bias = v[2].value.f32;
    const dim = scale.length;
    const width = kernel.length / dim;
    if (!Number.isInteger(width) || offset.length !== dim || bias.length < width) {
      throw new RangeError(
        `Cell "${this.name}": cannot fold an affine map of ${dim} features into a kernel of ` +
          `${kernel.length} values and a bias of ${bias.length}`,
      );
    }
    const k2 = new Float32Array(kernel.length);
    const sums = Float64Array.from(bias.subarray(0, width));
    for (let k = 0; k < dim; k++) {
      const a = scale[k], b = offset[k], row = k * width;
      for (let j = 0; j < width; j++) {
        const w = kernel[row + j];
        k2[row + j] = a * w;
        sums[j] += b * w;
      }
    }
    const b2 = bias.slice();
    b2.set(sums, 0);
    return { kernel: k2, bias: b2 };
  }

  /**
   * Runs `body` with this cell's input kernel and bias replaced by `kernel` and `bias` (Keras
   * shapes), as a model's plan does when it folds a BatchNormalization into the input
   * projection. The variables are not touched; the previous weights come back afterwards.
   */
  withInputWeights<T>(kernel: F32, bias: F32, body: () => T): T {
    const before = this.#inputWeights;
    this.#inputWeights = { kernel, bias };
    try {
      return body();
    } finally {
      this.#inputWeights = before;
    }
  }

  /**
   * The `k × n` matrix at `w[offset + p·ld + j]` packed for `gemmPacked`. Slot `slot` keeps it
   * between calls: it is packed again only when the variables changed (their
   * `Variable.version`) or another array or layout is asked for.
   */
  protected packWeight(
    slot: number,
    w: F32,
    k: number,
    n: number,
    offset = 0,
    ld = n,
  ): PackedMatrix {
    const kept = this.#packed[slot];
    if (kept !== undefined && this.#fresh(this.#packedFrom, slot, w, `${offset},${ld},${k},${n}`)) {
      return kept;
    }
    this.#packedFrom[slot] = {
      source: w,
      layout: `${offset},${ld},${k},${n}`,
      stamp: this.#weightStamp(),
    };
    const p = packMatrix(w, offset, ld, k, n, false, kept);
    this.#packed[slot] = p;
    return p;
  }

  /**
   * `n` values of `w` from `offset` in a {@linkcode ResidentArray} for the compute core, or null
   * when `w` is undefined. Slot `slot` keeps it between calls, copied again only when the
   * variables changed or another array or range is asked for.
   */
  protected residentCopy(
    slot: number,
    w: F32 | undefined,
    offset: number,
    n: number,
  ): ResidentArray | null {
    if (w === undefined) return null;
    let r = this.#resident[slot];
    if (
      r !== undefined && r.length === n && this.#fresh(this.#residentFrom, slot, w, `${offset}`)
    ) {
      return r;
    }
    this.#residentFrom[slot] = { source: w, layout: `${offset}`, stamp: this.#weightStamp() };
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

/** Where a packed or resident copy of a weight came from. */
interface PackSource {
  /** The array it was read from. */
  source: F32;
  /** Offsets, strides and sizes. */
  layout: string;
  /** The cell's variable versions at the time. */
  stamp: string;
}
