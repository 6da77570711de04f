import {
  type ActivationFn,
  computeCoreActive,
  type F32,
  gemmPacked,
  getActivation,
  type PackedMatrix,
} from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { BuiltinCell } from "./builtin_cell.ts";
import { coreCodes, CoreGRUStepper } from "./_core_steppers.ts";
import type { FusedStepper } from "./cell.ts";
import {
  CellArgs,
  type GatedCellOptions,
  readActivation,
  readCellOptions,
} from "./cell_options.ts";
import type { ResolvedActivation } from "../activations.ts";

/** Options of {@linkcode GRUCell}. */
export interface GRUCellOptions extends GatedCellOptions {
  /**
   * Apply the reset gate after the recurrent matmul (default true, Keras 3 and cuDNN
   * convention): bias `(2, 3u)` = [input bias; recurrent bias]. False: bias `(3u)` and the
   * reset gate multiplies `h` before the matmul.
   */
  resetAfter?: boolean;
}

/**
 * The cell of {@linkcode GRU}. Gates in Keras's order **z, r, h**, `h' = z⊙h + (1−z)⊙ĥ`.
 * With `resetAfter` (default): `ĥ = act(x·K_h + b0_h + r⊙(h·R_h + b1_h))`; without:
 * `ĥ = act(x·K_h + b_h + (r⊙h)·R_h)`. Weights: `kernel` (features, 3u), `recurrent_kernel`
 * (u, 3u), `bias` (2, 3u) or (3u).
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { GRUCell, RNN } from "@kerno/layers";
 * new RNN(new GRUCell(4, { resetAfter: false })).apply(tensor([[[0.1], [0.2]]])); // [1, 4]
 * ```
 */
export class GRUCell extends BuiltinCell {
  /** Keras class name. */
  static override readonly className: string = "GRUCell";
  /** The resolved arguments. */
  readonly args: CellArgs;
  /** Gate activation. */
  readonly recurrentActivation: ResolvedActivation;
  /** Whether the reset gate applies after the recurrent matmul. */
  readonly resetAfter: boolean;

  /** A cell of `units` units. */
  constructor(units: number, options: GRUCellOptions = {}) {
    super(options);
    this.args = new CellArgs("GRUCell", units, options);
    this.recurrentActivation = this.args.resolve(options.recurrentActivation, "sigmoid");
    this.resetAfter = options.resetAfter ?? true;
  }

  /** One state, `h`. */
  get stateSize(): number[] {
    return [this.args.units];
  }

  /** `units`. */
  get outputSize(): number {
    return this.args.units;
  }

  /** Keras's `state_size` is one integer. */
  override get stateIsList(): boolean {
    return false;
  }

  /** Creates `kernel` (features, 3u), `recurrent_kernel` (u, 3u) and `bias`. */
  override build(inputShapes: readonly Shape[]): void {
    const a = this.args;
    const u = a.units;
    const dim = this.featureDim(inputShapes);
    this.addWeight("kernel", [dim, 3 * u], a.kernelInitializer);
    this.addWeight("recurrent_kernel", [u, 3 * u], a.recurrentInitializer);
    if (a.useBias) {
      this.addWeight("bias", this.resetAfter ? [2, 3 * u] : [3 * u], a.biasInitializer);
    }
    super.build(inputShapes);
  }

  /** The fast path (one or, without `resetAfter`, two gemms per step). */
  override prepareFused(batch: number): FusedStepper {
    const [kernel, recurrent, bias] = this.weightArrays();
    const u = this.args.units;
    const w = 3 * u;
    const packedKernel = this.packWeight(0, kernel, kernel.length / w, w);
    // Without resetAfter, h·R[:, :2u] and (r⊙h)·R[:, 2u:] are separate products.
    const rec = this.resetAfter ? [this.packWeight(1, recurrent, u, w)] : [
      this.packWeight(1, recurrent, u, 2 * u, 0, w),
      this.packWeight(2, recurrent, u, u, 2 * u, w),
    ];
    const codes = computeCoreActive()
      ? coreCodes(this.recurrentActivation.fn, this.args.activation.fn)
      : null;
    if (codes !== null) {
      // With reset_after the bias is (2, 3u): the input bias, then the recurrent bias.
      const inputBias = this.residentCopy(0, bias, 0, w);
      const recurrentBias = this.resetAfter ? this.residentCopy(1, bias, w, w) : null;
      // deno-fmt-ignore
      return new CoreGRUStepper(batch, u, packedKernel, rec, inputBias, recurrentBias, codes[0], codes[1]);
    }
    return new GRUStepper(
      batch,
      u,
      this.resetAfter,
      this.args.activation.fn,
      this.recurrentActivation.fn,
      packedKernel,
      rec,
      bias,
    );
  }

  /** Keras config, keys in Keras's order. */
  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      units: a.units,
      activation: a.activationName,
      recurrent_activation: this.recurrentActivation.name,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      ...a.trainingConfig(),
      reset_after: this.resetAfter,
      seed: a.seed,
    };
  }

  /** Builds a cell from its Keras config (every key read or refused). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): GRUCell {
    const r = new ConfigReader("GRUCell", config, options);
    const cell = new GRUCell(r.number("units"), {
      ...r.baseOptions(),
      ...readGRUOptions(r, options),
    });
    r.done();
    return cell;
  }
}

/** Reads the GRU cell arguments from a Keras config (shared by `GRUCell` and `GRU`). */
export function readGRUOptions(r: ConfigReader, options: DeserializeOptions): GRUCellOptions {
  return {
    ...readCellOptions(r, options),
    recurrentActivation: readActivation(r, "recurrent_activation", "sigmoid"),
    resetAfter: r.boolean("reset_after", true),
  };
}

const SIGMOID: ActivationFn = getActivation("sigmoid");
const TANH: ActivationFn = getActivation("tanh");

/**
 * The GRU fast path for one layer call, on the kernels packed for this call. With Keras's
 * default activations (sigmoid gates, tanh) the gate update has them inlined, rounding each
 * intermediate to float32 where the generic path stores it.
 */
class GRUStepper implements FusedStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  readonly #batch: number;
  readonly #units: number;
  readonly #resetAfter: boolean;
  readonly #act: ActivationFn;
  readonly #gate: ActivationFn;
  /** Sigmoid gates and tanh: the inlined update applies. */
  readonly #standard: boolean;
  readonly #kernel: PackedMatrix;
  /** `[R]` with resetAfter, else `[R[:, :2u], R[:, 2u:]]`. */
  readonly #recurrent: PackedMatrix[];
  readonly #bias: F32 | undefined;
  /** `h·R (+ recurrent bias)` of the step: `[batch, 3u]` (reset_after) or `[batch, 2u]`. */
  readonly #rec: Float32Array;
  /** `r⊙h` of the step (reset_after=false only): `[batch, u]`. */
  readonly #rh: Float32Array;

  constructor(
    batch: number,
    units: number,
    resetAfter: boolean,
    act: ActivationFn,
    gate: ActivationFn,
    kernel: PackedMatrix,
    recurrent: PackedMatrix[],
    bias: F32 | undefined,
  ) {
    this.#batch = batch;
    this.#units = units;
    this.width = 3 * units;
    this.stateSizes = [units];
    this.#resetAfter = resetAfter;
    this.#act = act;
    this.#gate = gate;
    this.#standard = act === TANH && gate === SIGMOID;
    this.#kernel = kernel;
    this.#recurrent = recurrent;
    this.#bias = bias;
    this.#rec = new Float32Array(batch * (resetAfter ? 3 : 2) * units);
    this.#rh = new Float32Array(resetAfter ? 0 : batch * units);
  }

  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number): void {
    // With reset_after the input bias is row 0 of the (2, 3u) bias; without, the whole bias.
    const k = this.#kernel;
    gemmPacked(rows, x, xOffset, k.rows, k, out, outOffset, this.width, 1, 0, this.#bias);
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
    if (this.#resetAfter) {
      this.#stepAfter(proj, projOffset, projStride, states[0], mask, maskOffset, maskStride);
    } else this.#stepBefore(proj, projOffset, projStride, states[0], mask, maskOffset, maskStride);
  }

  #stepAfter(
    proj: F32,
    projOffset: number,
    projStride: number,
    h: F32,
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): void {
    const u = this.#units;
    const w = this.width;
    const rec = this.#rec;
    const batch = this.#batch;
    // rec = h·R + recurrent bias (row 1 of the bias).
    gemmPacked(batch, h, 0, u, this.#recurrent[0], rec, 0, w, 1, 0, this.#bias, w);
    if (this.#standard) {
      standardAfter(batch, u, proj, projOffset, projStride, rec, h, mask, maskOffset, maskStride);
      return;
    }
    for (let b = 0; b < batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const zz = projOffset + b * projStride;
      const zr = zz + u;
      const zh = zr + u;
      const rb = b * w;
      for (let j = 0; j < 2 * u; j++) proj[zz + j] += rec[rb + j];
      this.#gate(proj, zz, 2 * u, u);
      for (let j = 0; j < u; j++) proj[zh + j] += proj[zr + j] * rec[rb + 2 * u + j];
      this.#act(proj, zh, u, u);
      const hb = b * u;
      for (let j = 0; j < u; j++) {
        const z = proj[zz + j];
        h[hb + j] = z * h[hb + j] + (1 - z) * proj[zh + j];
      }
    }
  }

  #stepBefore(
    proj: F32,
    projOffset: number,
    projStride: number,
    h: F32,
    mask: Uint8Array | null,
    maskOffset: number,
    maskStride: number,
  ): void {
    const u = this.#units;
    const rec = this.#rec;
    const rh = this.#rh;
    const batch = this.#batch;
    const standard = this.#standard;
    // rec = h·R[:, :2u] (z and r).
    gemmPacked(batch, h, 0, u, this.#recurrent[0], rec, 0, 2 * u);
    for (let b = 0; b < batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const zz = projOffset + b * projStride;
      const zr = zz + u;
      const rb = b * 2 * u;
      if (standard) {
        for (let j = 0; j < 2 * u; j++) {
          proj[zz + j] = 1 / (1 + Math.exp(-Math.fround(proj[zz + j] + rec[rb + j])));
        }
      } else {
        for (let j = 0; j < 2 * u; j++) proj[zz + j] += rec[rb + j];
        this.#gate(proj, zz, 2 * u, u);
      }
      const hb = b * u;
      for (let j = 0; j < u; j++) rh[hb + j] = proj[zr + j] * h[hb + j];
    }
    // proj_h += (r⊙h)·R[:, 2u:]
    gemmPacked(batch, rh, 0, u, this.#recurrent[1], proj, projOffset + 2 * u, projStride, 1, 1);
    for (let b = 0; b < batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const zz = projOffset + b * projStride;
      const zh = zz + 2 * u;
      if (standard) {
        for (let j = zh; j < zh + u; j++) proj[j] = Math.tanh(proj[j]);
      } else this.#act(proj, zh, u, u);
      const hb = b * u;
      for (let j = 0; j < u; j++) {
        const z = proj[zz + j];
        h[hb + j] = z * h[hb + j] + (1 - z) * proj[zh + j];
      }
    }
  }
}

/**
 * The reset-after update with sigmoid gates and tanh inlined: `z, r = σ(x_zr + rec_zr)`,
 * `ĥ = tanh(x_h + r·rec_h)`, `h' = z·h + (1 − z)·ĥ`, each intermediate rounded to float32 as
 * the generic path stores it. σ is Keras's `1 / (1 + exp(−x))`. One short loop per
 * activation (fewer values live across each `Math.exp`/`Math.tanh` call).
 */
function standardAfter(
  batch: number,
  u: number,
  proj: F32,
  projOffset: number,
  projStride: number,
  rec: F32,
  h: F32,
  mask: Uint8Array | null,
  maskOffset: number,
  maskStride: number,
): void {
  const fround = Math.fround, exp = Math.exp, tanh = Math.tanh;
  for (let b = 0; b < batch; b++) {
    if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
    const zz = projOffset + b * projStride;
    const zr = zz + u;
    const zh = zr + u;
    const rz = b * 3 * u;
    const rh = rz + 2 * u;
    const hb = b * u;
    for (let j = 0; j < 2 * u; j++) {
      proj[zz + j] = 1 / (1 + exp(-fround(proj[zz + j] + rec[rz + j]))); // z and r
    }
    for (let j = 0; j < u; j++) {
      proj[zh + j] = tanh(fround(proj[zh + j] + proj[zr + j] * rec[rh + j]));
    }
    for (let j = 0; j < u; j++) {
      const z = proj[zz + j];
      h[hb + j] = z * h[hb + j] + (1 - z) * proj[zh + j];
    }
  }
}
