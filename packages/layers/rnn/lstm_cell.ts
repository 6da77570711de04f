import { type ActivationFn, type F32, gemm } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import type { DeserializeOptions } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { BuiltinCell } from "./builtin_cell.ts";
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
    return new LSTMStepper(
      batch,
      this.args.units,
      this.args.activation.fn,
      this.recurrentActivation.fn,
      kernel,
      recurrent,
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

class LSTMStepper implements FusedStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  readonly #batch: number;
  readonly #units: number;
  readonly #act: ActivationFn;
  readonly #gate: ActivationFn;
  readonly #kernel: F32;
  readonly #recurrent: F32;
  readonly #bias: F32 | undefined;

  constructor(
    batch: number,
    units: number,
    act: ActivationFn,
    gate: ActivationFn,
    kernel: F32,
    recurrent: F32,
    bias: F32 | undefined,
  ) {
    this.#batch = batch;
    this.#units = units;
    this.width = 4 * units;
    this.stateSizes = [units, units];
    this.#act = act;
    this.#gate = gate;
    this.#kernel = kernel;
    this.#recurrent = recurrent;
    this.#bias = bias;
  }

  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number): void {
    const w = this.width;
    const dim = this.#kernel.length / w;
    gemm(
      false,
      false,
      rows,
      w,
      dim,
      x,
      xOffset,
      dim,
      this.#kernel,
      0,
      w,
      out,
      outOffset,
      w,
      1,
      0,
      this.#bias,
    );
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
    const w = this.width;
    const h = states[0];
    const c = states[1];
    const act = this.#act;
    const gate = this.#gate;
    gemm(
      false,
      false,
      this.#batch,
      w,
      u,
      h,
      0,
      u,
      this.#recurrent,
      0,
      w,
      proj,
      projOffset,
      projStride,
      1,
      1,
    );
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
