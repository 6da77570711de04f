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
import type { FusedStepper } from "./cell.ts";
import { BuiltinCell } from "./builtin_cell.ts";
import { coreCodes, CoreSimpleRNNStepper } from "./_core_steppers.ts";
import { CellArgs, type CellOptions, readCellOptions } from "./cell_options.ts";

/**
 * The cell of {@linkcode SimpleRNN}: `h = activation(x·kernel + h·recurrent_kernel + bias)`.
 * Weights: `kernel` (features, units), `recurrent_kernel` (units, units), `bias` (units).
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { RNN, SimpleRNNCell } from "@kerno/layers";
 * const rnn = new RNN(new SimpleRNNCell(8), { returnSequences: true });
 * rnn.apply(tensor([[[0.1], [0.2], [0.3]]])); // shape [1, 3, 8]
 * ```
 */
export class SimpleRNNCell extends BuiltinCell {
  /** Keras class name. */
  static override readonly className: string = "SimpleRNNCell";
  /** The resolved arguments. */
  readonly args: CellArgs;

  /** A cell of `units` units. */
  constructor(units: number, options: CellOptions = {}) {
    super(options);
    this.args = new CellArgs("SimpleRNNCell", units, options);
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

  /** Creates `kernel`, `recurrent_kernel` and `bias` for `[batch, features]` inputs. */
  override build(inputShapes: readonly Shape[]): void {
    const a = this.args;
    const dim = this.featureDim(inputShapes);
    this.addWeight("kernel", [dim, a.units], a.kernelInitializer);
    this.addWeight("recurrent_kernel", [a.units, a.units], a.recurrentInitializer);
    if (a.useBias) this.addWeight("bias", [a.units], a.biasInitializer);
    super.build(inputShapes);
  }

  /** The fast path: one gemm per step into the projection, then the activation. */
  override prepareFused(batch: number): FusedStepper {
    const [kernel, recurrent, bias] = this.weightArrays();
    const u = this.args.units;
    const packedKernel = this.packWeight(0, kernel, kernel.length / u, u);
    const packedRecurrent = this.packWeight(1, recurrent, u, u);
    const codes = computeCoreActive() ? coreCodes(this.args.activation.fn) : null;
    if (codes !== null) {
      const residentBias = this.residentCopy(0, bias, 0, u);
      // deno-fmt-ignore
      return new CoreSimpleRNNStepper(batch, u, packedKernel, packedRecurrent, residentBias, codes[0]);
    }
    return new SimpleRNNStepper(batch, this.args, packedKernel, packedRecurrent, bias);
  }

  /** Keras config: units, activation, use_bias, initializers, regularizers, dropout, seed. */
  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      units: a.units,
      activation: a.activationName,
      use_bias: a.useBias,
      ...a.initializersConfig(),
      ...a.trainingConfig(),
      seed: a.seed,
    };
  }

  /** Builds a cell from its Keras config (every key read or refused). */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): SimpleRNNCell {
    const r = new ConfigReader("SimpleRNNCell", config, options);
    const cell = new SimpleRNNCell(r.number("units"), {
      ...r.baseOptions(),
      ...readCellOptions(r, options),
    });
    r.done();
    return cell;
  }
}

const TANH: ActivationFn = getActivation("tanh");

/** The SimpleRNN fast path for one layer call, on the kernels packed for this call. */
class SimpleRNNStepper implements FusedStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  readonly #batch: number;
  readonly #act: ActivationFn;
  readonly #kernel: PackedMatrix;
  readonly #recurrent: PackedMatrix;
  readonly #bias: F32 | undefined;

  constructor(
    batch: number,
    args: CellArgs,
    kernel: PackedMatrix,
    recurrent: PackedMatrix,
    bias?: F32,
  ) {
    this.#batch = batch;
    this.width = args.units;
    this.stateSizes = [args.units];
    this.#act = args.activation.fn;
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
    const u = this.width;
    const h = states[0];
    const act = this.#act;
    const tanh = act === TANH;
    // proj rows += h·recurrent_kernel (one product for the whole batch).
    gemmPacked(this.#batch, h, 0, u, this.#recurrent, proj, projOffset, projStride, 1, 1);
    for (let b = 0; b < this.#batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const z = projOffset + b * projStride;
      const hb = b * u;
      if (tanh) {
        for (let j = 0; j < u; j++) h[hb + j] = Math.tanh(proj[z + j]);
      } else {
        act(proj, z, u, u);
        for (let j = 0; j < u; j++) h[hb + j] = proj[z + j];
      }
    }
  }
}
