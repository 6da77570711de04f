import {
  type ActivationFn,
  computeCoreActive,
  type F32,
  gemmPacked,
  getActivation,
  type PackedMatrix,
} from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import type { DeserializeOptions } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { BuiltinCell } from "./builtin_cell.ts";
import { coreCodes, CoreLSTMStepper } from "./_core_steppers.ts";
import type { FusedStepper } from "./cell.ts";
import {
  CellArgs,
  type GatedCellOptions,
  readActivation,
  readCellOptions,
} from "./cell_options.ts";
import type { ResolvedActivation } from "../activations.ts";

/** Options of {@linkcode LSTMCell}. */
export interface LSTMCellOptions extends GatedCellOptions {
  /**
   * Initialize the forget-gate bias to 1 and the rest with `biasInitializer` (default true,
   * as in Keras).
   */
  unitForgetBias?: boolean;
}

/**
 * The cell of {@linkcode LSTM}. Gates in Keras's order **i, f, c, o**:
 * `c' = f⊙c + i⊙act(z_c)`, `h' = o⊙act(c')`, with `z = x·kernel + h·recurrent_kernel + bias`
 * and the gates under `recurrentActivation`. Weights: `kernel` (features, 4u),
 * `recurrent_kernel` (u, 4u), `bias` (4u). States `[h, c]`.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { LSTMCell, RNN } from "@kerno/layers";
 * const [out, h, c] = new RNN(new LSTMCell(4), { returnState: true })
 *   .apply(tensor([[[0.1], [0.2], [0.3]]])) as unknown[];
 * ```
 */
export class LSTMCell extends BuiltinCell {
  /** Keras class name. */
  static override readonly className: string = "LSTMCell";
  /** The resolved arguments. */
  readonly args: CellArgs;
  /** Gate activation. */
  readonly recurrentActivation: ResolvedActivation;
  /** Whether the forget-gate bias starts at 1. */
  readonly unitForgetBias: boolean;

  /** A cell of `units` units. */
  constructor(units: number, options: LSTMCellOptions = {}) {
    super(options);
    this.args = new CellArgs("LSTMCell", units, options);
    this.recurrentActivation = this.args.resolve(options.recurrentActivation, "sigmoid");
    this.unitForgetBias = options.unitForgetBias ?? true;
  }

  /** Two states, `[h, c]`. */
  get stateSize(): number[] {
    return [this.args.units, this.args.units];
  }

  /** `units`. */
  get outputSize(): number {
    return this.args.units;
  }

  /** Creates `kernel` (features, 4u), `recurrent_kernel` (u, 4u) and `bias` (4u). */
  override build(inputShapes: readonly Shape[]): void {
    const a = this.args;
    const u = a.units;
    const dim = this.featureDim(inputShapes);
    this.addWeight("kernel", [dim, 4 * u], a.kernelInitializer);
    this.addWeight("recurrent_kernel", [u, 4 * u], a.recurrentInitializer);
    if (a.useBias) {
      const init = this.unitForgetBias ? unitForgetBias(a.biasInitializer, u) : a.biasInitializer;
      this.addWeight("bias", [4 * u], init);
    }
    super.build(inputShapes);
  }

  /** The fast path: projection += h·recurrent_kernel (one gemm), then the fused gate update. */
  override prepareFused(batch: number): FusedStepper {
    const [kernel, recurrent, bias] = this.weightArrays();
    const u = this.args.units;
    const packedKernel = this.packWeight(0, kernel, kernel.length / (4 * u), 4 * u);
    const packedRecurrent = this.packWeight(1, recurrent, u, 4 * u);
    const codes = computeCoreActive()
      ? coreCodes(this.recurrentActivation.fn, this.args.activation.fn)
      : null;
    if (codes !== null) {
      const residentBias = this.residentCopy(0, bias, 0, 4 * u);
      // deno-fmt-ignore
      return new CoreLSTMStepper(batch, u, packedKernel, packedRecurrent, residentBias, codes[0], codes[1]);
    }
    return new LSTMStepper(
      batch,
      u,
      this.args.activation.fn,
      this.recurrentActivation.fn,
      packedKernel,
      packedRecurrent,
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
      unit_forget_bias: this.unitForgetBias,
      ...a.initializersConfig(),
      ...a.trainingConfig(),
      seed: a.seed,
    };
  }

  /** Builds a cell from its Keras config (every key read or refused). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): LSTMCell {
    const r = new ConfigReader("LSTMCell", config, options);
    const cell = new LSTMCell(r.number("units"), {
      ...r.baseOptions(),
      ...readLSTMOptions(r, options),
    });
    r.done();
    return cell;
  }
}

/** Reads the LSTM cell arguments from a Keras config (shared by `LSTMCell` and `LSTM`). */
export function readLSTMOptions(r: ConfigReader, options: DeserializeOptions): LSTMCellOptions {
  return {
    ...readCellOptions(r, options),
    recurrentActivation: readActivation(r, "recurrent_activation", "sigmoid"),
    unitForgetBias: r.boolean("unit_forget_bias", true),
  };
}

/** Keras's `unit_forget_bias` initializer: `[init(u), ones(u), init(2u)]`. */
function unitForgetBias(inner: Initializer, units: number): Initializer {
  return {
    className: inner.className,
    getConfig: () => inner.getConfig(),
    generate(shape: readonly number[]): Float32Array {
      const out = new Float32Array(shape[0]);
      out.set(inner.generate([units]), 0);
      out.fill(1, units, 2 * units);
      out.set(inner.generate([2 * units]), 2 * units);
      return out;
    },
  };
}

const SIGMOID: ActivationFn = getActivation("sigmoid");
const TANH: ActivationFn = getActivation("tanh");

/**
 * The LSTM fast path for one layer call, on both kernels packed for this call. A step is one
 * product `proj += h·recurrent_kernel` over the whole batch, then the gate update row by row;
 * with Keras's default activations (sigmoid gates, tanh) the update has them inlined.
 */
class LSTMStepper implements FusedStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  readonly #batch: number;
  readonly #units: number;
  readonly #act: ActivationFn;
  readonly #gate: ActivationFn;
  /** Sigmoid gates and tanh: the inlined update applies. */
  readonly #standard: boolean;
  readonly #kernel: PackedMatrix;
  readonly #recurrent: PackedMatrix;
  readonly #bias: F32 | undefined;

  constructor(
    batch: number,
    units: number,
    act: ActivationFn,
    gate: ActivationFn,
    kernel: PackedMatrix,
    recurrent: PackedMatrix,
    bias: F32 | undefined,
  ) {
    this.#batch = batch;
    this.#units = units;
    this.width = 4 * units;
    this.stateSizes = [units, units];
    this.#act = act;
    this.#gate = gate;
    this.#standard = act === TANH && gate === SIGMOID;
    this.#kernel = kernel;
    this.#recurrent = recurrent;
    this.#bias = bias;
  }

  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number): void {
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
    const u = this.#units;
    const h = states[0];
    const c = states[1];
    gemmPacked(this.#batch, h, 0, u, this.#recurrent, proj, projOffset, projStride, 1, 1);
    if (this.#standard) {
      standardUpdate(
        this.#batch,
        u,
        proj,
        projOffset,
        projStride,
        h,
        c,
        mask,
        maskOffset,
        maskStride,
      );
      return;
    }
    const act = this.#act;
    const gate = this.#gate;
    for (let b = 0; b < this.#batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const zi = projOffset + b * projStride;
      const zf = zi + u;
      const zc = zf + u;
      const zo = zc + u;
      gate(proj, zi, 2 * u, u); // i and f
      act(proj, zc, u, u);
      gate(proj, zo, u, u);
      const hb = b * u;
      for (let j = 0; j < u; j++) {
        const cj = proj[zf + j] * c[hb + j] + proj[zi + j] * proj[zc + j];
        c[hb + j] = cj;
        proj[zc + j] = cj; // the c slot now holds c' for act(c')
      }
      act(proj, zc, u, u);
      for (let j = 0; j < u; j++) h[hb + j] = proj[zo + j] * proj[zc + j];
    }
  }
}

/**
 * The gate update with sigmoid gates and tanh, activations inlined: `i, f, o = σ(z)`,
 * `g = tanh(z_c)`, `c' = f·c + i·g`, `h' = o·tanh(c')`, each gate and `c'` rounded to float32
 * as the generic path stores them. σ is Keras's `1 / (1 + exp(−x))`. One short loop per
 * activation: a loop that calls `Math.exp` or `Math.tanh` once keeps few values live across
 * the call, which is faster than one loop doing all five.
 */
function standardUpdate(
  batch: number,
  u: number,
  proj: F32,
  projOffset: number,
  projStride: number,
  h: F32,
  c: F32,
  mask: Uint8Array | null,
  maskOffset: number,
  maskStride: number,
): void {
  const exp = Math.exp, tanh = Math.tanh;
  for (let b = 0; b < batch; b++) {
    if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
    const zi = projOffset + b * projStride;
    const zf = zi + u;
    const zc = zf + u;
    const zo = zc + u;
    const hb = b * u;
    for (let j = zi; j < zc; j++) proj[j] = 1 / (1 + exp(-proj[j])); // i and f
    for (let j = zc; j < zo; j++) proj[j] = tanh(proj[j]);
    for (let j = zo; j < zo + u; j++) proj[j] = 1 / (1 + exp(-proj[j]));
    for (let j = 0; j < u; j++) c[hb + j] = proj[zf + j] * c[hb + j] + proj[zi + j] * proj[zc + j];
    for (let j = 0; j < u; j++) h[hb + j] = proj[zo + j] * Math.fround(tanh(c[hb + j]));
  }
}
