/**
 * The fast paths of the built-in cells on the WebAssembly compute core of `@kerno/tensor`: a
 * step is one float32 SIMD product into the step's projections and one gate call, on buffers
 * resident in the core's memory. They run when the core is active and the cell's activations
 * have vector forms (linear, sigmoid, tanh, relu, both hard sigmoids); otherwise the cells use
 * their JavaScript steppers.
 *
 * @module
 */
import {
  coreActivationCode,
  type F32,
  gruFinishCore,
  gruResetAfterCore,
  gruResetBeforeCore,
  lstmGatesCore,
  type PackedMatrix,
  type ResidentArray,
  ResidentArray as Resident,
  sgemmCore,
  simpleRnnUpdateCore,
  type StepMask,
  type StepRows,
} from "@kerno/tensor";
import type { ActivationFn } from "@kerno/tensor";
import type { FusedStepper } from "./cell.ts";

/** The core's codes of a cell's activations, or null when one has no vector form. */
export function coreCodes(...fns: ActivationFn[]): number[] | null {
  const codes = fns.map(coreActivationCode);
  return codes.includes(-1) ? null : codes;
}

/** What every core stepper shares: the input projection and the per-step row descriptors. */
abstract class CoreStepper implements FusedStepper {
  readonly resident = true;
  abstract readonly width: number;
  abstract readonly stateSizes: readonly number[];
  protected readonly rows: StepRows;
  readonly #mask: StepMask = { bytes: new Uint8Array(0), offset: 0, stride: 0 };

  constructor(
    protected readonly batch: number,
    protected readonly units: number,
    protected readonly kernel: PackedMatrix,
    protected readonly bias: ResidentArray | null,
  ) {
    this.rows = {
      batch,
      units,
      proj: new Float32Array(0),
      projOffset: 0,
      projStride: 0,
      mask: null,
    };
  }

  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number): void {
    const k = this.kernel, b = this.bias;
    // deno-fmt-ignore
    sgemmCore(rows, x, xOffset, k.rows, k, out, outOffset, this.width, b ? "bias" : "zero", b?.f32);
  }

  /** Points the reused row descriptor at this step's projections and mask. */
  protected setRows(
    proj: F32,
    projOffset: number,
    projStride: number,
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): StepRows {
    const r = this.rows;
    r.proj = proj;
    r.projOffset = projOffset;
    r.projStride = projStride;
    if (mask === null) r.mask = null;
    else {
      const m = this.#mask;
      m.bytes = mask;
      m.offset = maskOffset;
      m.stride = maskStride;
      r.mask = m;
    }
    return r;
  }

  abstract step(
    proj: F32,
    projOffset: number,
    projStride: number,
    states: F32[],
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): void;

  dispose(): void {}
}

/** LSTM: `proj += h·U`, then the fused gate update. */
export class CoreLSTMStepper extends CoreStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];

  constructor(
    batch: number,
    units: number,
    kernel: PackedMatrix,
    private readonly recurrent: PackedMatrix,
    bias: ResidentArray | null,
    private readonly gate: number,
    private readonly act: number,
  ) {
    super(batch, units, kernel, bias);
    this.width = 4 * units;
    this.stateSizes = [units, units];
  }

  // deno-fmt-ignore
  step(proj: F32, projOffset: number, projStride: number, states: F32[], mask: Uint8Array | null, maskOffset: number, maskStride: number): void {
    const [h, c] = states;
    sgemmCore(this.batch, h, 0, this.units, this.recurrent, proj, projOffset, projStride, "accumulate");
    const rows = this.setRows(proj, projOffset, projStride, mask, maskOffset, maskStride);
    lstmGatesCore(rows, h, c, this.gate, this.act);
  }
}

/** SimpleRNN: `proj += h·U`, then `h = act(proj)`. */
export class CoreSimpleRNNStepper extends CoreStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];

  constructor(
    batch: number,
    units: number,
    kernel: PackedMatrix,
    private readonly recurrent: PackedMatrix,
    bias: ResidentArray | null,
    private readonly act: number,
  ) {
    super(batch, units, kernel, bias);
    this.width = units;
    this.stateSizes = [units];
  }

  // deno-fmt-ignore
  step(proj: F32, projOffset: number, projStride: number, states: F32[], mask: Uint8Array | null, maskOffset: number, maskStride: number): void {
    const h = states[0];
    sgemmCore(this.batch, h, 0, this.units, this.recurrent, proj, projOffset, projStride, "accumulate");
    const rows = this.setRows(proj, projOffset, projStride, mask, maskOffset, maskStride);
    simpleRnnUpdateCore(rows, h, this.act);
  }
}

/**
 * GRU. reset_after: `rec = h·R + recurrent bias`, then the fused update. Reset before:
 * `rec = h·R[:, :2u]`, the z/r gates and `rh = r·h`, `x_h += rh·R[:, 2u:]`, then the end of
 * the update.
 */
export class CoreGRUStepper extends CoreStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  /** `h·R (+ recurrent bias)` of the step: `[batch, 3u]` (reset_after) or `[batch, 2u]`. */
  readonly #rec: ResidentArray;
  /** `r⊙h` of the step (reset before only). */
  readonly #rh: ResidentArray | null;

  constructor(
    batch: number,
    units: number,
    kernel: PackedMatrix,
    /** `[R]` with resetAfter, else `[R[:, :2u], R[:, 2u:]]`. */
    private readonly recurrent: PackedMatrix[],
    bias: ResidentArray | null,
    /** The recurrent bias (reset_after with a bias), else null. */
    private readonly recurrentBias: ResidentArray | null,
    private readonly gate: number,
    private readonly act: number,
  ) {
    super(batch, units, kernel, bias);
    this.width = 3 * units;
    this.stateSizes = [units];
    const after = recurrent.length === 1;
    this.#rec = new Resident(batch * (after ? 3 : 2) * units);
    this.#rh = after ? null : new Resident(batch * units);
  }

  // deno-fmt-ignore
  step(proj: F32, projOffset: number, projStride: number, states: F32[], mask: Uint8Array | null, maskOffset: number, maskStride: number): void {
    const h = states[0], u = this.units, batch = this.batch, rec = this.#rec.f32;
    const rows = this.setRows(proj, projOffset, projStride, mask, maskOffset, maskStride);
    const [r0, r1] = this.recurrent;
    if (r1 === undefined) {
      const rb = this.recurrentBias;
      sgemmCore(batch, h, 0, u, r0, rec, 0, 3 * u, rb ? "bias" : "zero", rb?.f32);
      gruResetAfterCore(rows, rec, h, this.gate, this.act);
      return;
    }
    const rh = this.#rh!.f32;
    sgemmCore(batch, h, 0, u, r0, rec, 0, 2 * u, "zero");
    gruResetBeforeCore(rows, rec, h, rh, this.gate);
    sgemmCore(batch, rh, 0, u, r1, proj, projOffset + 2 * u, projStride, "accumulate");
    gruFinishCore(rows, h, this.act);
  }

  override dispose(): void {
    this.#rec.free();
    this.#rh?.free();
  }
}
