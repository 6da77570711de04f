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
  blasStatus,
  coreActivationCode,
  coreProductOnBlas,
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

/**
 * Bytes of projections a row block of a step may span: the block's product and its gate update
 * then run while its projections are still in the L2 cache, next to the recurrent weights.
 */
const BLOCK_BYTES = 256 * 1024;

/**
 * Recurrent weights larger than this stream from L3 at every block anyway: then a step is one
 * block, which reads them once (measured: W5's LSTM(512) ~7% faster unblocked, W1's LSTM(128)
 * ~5% faster in 256 KB blocks).
 */
const L2_WEIGHT_BYTES = 512 * 1024;

/**
 * Row blocks are a multiple of this many rows, which both tiles of the core's product (6 and 4
 * rows) divide: no row of a block is left to the slower one-row code.
 */
const BLOCK_ROW_MULTIPLE = 12;

/**
 * What every core stepper shares: the input projection, and a step run in blocks of rows, each
 * block's recurrent product followed at once by its gate update. Rows are independent, so the
 * blocks change nothing in the results.
 */
abstract class CoreStepper implements FusedStepper {
  readonly resident = true;
  abstract readonly width: number;
  abstract readonly stateSizes: readonly number[];
  /** Rows per block. */
  protected readonly blockRows: number;
  protected readonly rows: StepRows;
  readonly #mask: StepMask = { bytes: new Uint8Array(0), offset: 0, stride: 0 };

  constructor(
    protected readonly batch: number,
    protected readonly units: number,
    width: number,
    protected readonly kernel: PackedMatrix,
    protected readonly bias: ResidentArray | null,
  ) {
    // On a native BLAS, one product over the whole batch: it repacks U at every call.
    const perRow = 4 * width;
    this.blockRows = blasStatus().active || units * perRow > L2_WEIGHT_BYTES ? batch : Math.min(
      batch,
      BLOCK_ROW_MULTIPLE *
        Math.max(1, Math.floor(BLOCK_BYTES / (BLOCK_ROW_MULTIPLE * perRow))),
    );
    this.rows = {
      batch,
      units,
      proj: new Float32Array(0),
      projOffset: 0,
      stateOffset: 0,
      projStride: 0,
      mask: null,
    };
  }

  project(
    x: F32,
    xOffset: number,
    rows: number,
    out: F32,
    outOffset: number,
    lda: number = this.kernel.rows,
  ): void {
    const k = this.kernel, b = this.bias;
    // deno-fmt-ignore
    sgemmCore(rows, x, xOffset, lda, k, out, outOffset, this.width, b ? "bias" : "zero", b?.f32);
  }

  projectsAnyRows(): boolean {
    return coreProductOnBlas(this.kernel);
  }

  step(
    proj: F32,
    projOffset: number,
    projStride: number,
    states: F32[],
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): void {
    const r = this.rows, m = this.#mask;
    r.proj = proj;
    r.projStride = projStride;
    r.mask = mask === null ? null : m;
    m.bytes = mask ?? m.bytes;
    m.stride = maskStride;
    for (let first = 0; first < this.batch; first += this.blockRows) {
      r.batch = Math.min(this.blockRows, this.batch - first);
      r.projOffset = projOffset + first * projStride;
      r.stateOffset = first * this.units;
      m.offset = maskOffset + first * maskStride;
      this.stepBlock(r, states);
    }
  }

  /**
   * The step for the rows `rows` describes (`rows.stateOffset / units` is the first): their
   * recurrent product, then their gate update.
   */
  protected abstract stepBlock(rows: StepRows, states: F32[]): void;

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
    super(batch, units, 4 * units, kernel, bias);
    this.width = 4 * units;
    this.stateSizes = [units, units];
  }

  protected stepBlock(rows: StepRows, states: F32[]): void {
    const h = states[0], u = this.units;
    // deno-fmt-ignore
    sgemmCore(rows.batch, h, rows.stateOffset, u, this.recurrent, rows.proj, rows.projOffset, rows.projStride, "accumulate");
    lstmGatesCore(rows, h, states[1], this.gate, this.act);
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
    super(batch, units, units, kernel, bias);
    this.width = units;
    this.stateSizes = [units];
  }

  protected stepBlock(rows: StepRows, states: F32[]): void {
    const h = states[0], u = this.units;
    // deno-fmt-ignore
    sgemmCore(rows.batch, h, rows.stateOffset, u, this.recurrent, rows.proj, rows.projOffset, rows.projStride, "accumulate");
    simpleRnnUpdateCore(rows, h, this.act);
  }
}

/**
 * GRU. reset_after: `rec = h·R + recurrent bias`, then the fused update. Reset before:
 * `rec = h·R[:, :2u]`, the z/r gates and `rh = r·h`, `x_h += rh·R[:, 2u:]`, then the end of
 * the update. `rec` holds one block of rows.
 */
export class CoreGRUStepper extends CoreStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  /** `h·R (+ recurrent bias)` of a block: `[blockRows, 3u]` (reset_after) or `[blockRows, 2u]`. */
  readonly #rec: ResidentArray;
  /** `r⊙h` of the step, `[batch, u]` (reset before only). */
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
    super(batch, units, 3 * units, kernel, bias);
    this.width = 3 * units;
    this.stateSizes = [units];
    const after = recurrent.length === 1;
    this.#rec = new Resident(this.blockRows * (after ? 3 : 2) * units);
    this.#rh = after ? null : new Resident(batch * units);
  }

  protected stepBlock(rows: StepRows, states: F32[]): void {
    const h = states[0], u = this.units, n = rows.batch, rec = this.#rec.f32;
    const [r0, r1] = this.recurrent;
    if (r1 === undefined) {
      const rb = this.recurrentBias;
      sgemmCore(n, h, rows.stateOffset, u, r0, rec, 0, 3 * u, rb ? "bias" : "zero", rb?.f32);
      gruResetAfterCore(rows, rec, h, this.gate, this.act);
      return;
    }
    const rh = this.#rh!.f32;
    sgemmCore(n, h, rows.stateOffset, u, r0, rec, 0, 2 * u, "zero");
    gruResetBeforeCore(rows, rec, h, rh, this.gate);
    // deno-fmt-ignore
    sgemmCore(n, rh, rows.stateOffset, u, r1, rows.proj, rows.projOffset + 2 * u, rows.projStride, "accumulate");
    gruFinishCore(rows, h, this.act);
  }

  override dispose(): void {
    this.#rec.free();
    this.#rh?.free();
  }
}
