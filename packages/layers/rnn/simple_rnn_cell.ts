import { type F32, gemm } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import type { Shape } from "../shape.ts";
import type { FusedStepper } from "./cell.ts";
import { BuiltinCell } from "./builtin_cell.ts";
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
    return new SimpleRNNStepper(batch, this.args, kernel, recurrent, bias);
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

class SimpleRNNStepper implements FusedStepper {
  readonly width: number;
  readonly stateSizes: readonly number[];
  readonly #batch: number;
  readonly #args: CellArgs;
  readonly #kernel: F32;
  readonly #recurrent: F32;
  readonly #bias: F32 | undefined;

  constructor(batch: number, args: CellArgs, kernel: F32, recurrent: F32, bias?: F32) {
    this.#batch = batch;
    this.#args = args;
    this.width = args.units;
    this.stateSizes = [args.units];
    this.#kernel = kernel;
    this.#recurrent = recurrent;
    this.#bias = bias;
  }

  project(x: F32, xOffset: number, rows: number, out: F32, outOffset: number): void {
    const u = this.width;
    const dim = this.#kernel.length / u;
    gemm(
      false,
      false,
      rows,
      u,
      dim,
      x,
      xOffset,
      dim,
      this.#kernel,
      0,
      u,
      out,
      outOffset,
      u,
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
    const u = this.width;
    const h = states[0];
    const act = this.#args.activation.fn;
    // proj rows += h·recurrent_kernel (one gemm for the whole batch).
    gemm(
      false,
      false,
      this.#batch,
      u,
      u,
      h,
      0,
      u,
      this.#recurrent,
      0,
      u,
      proj,
      projOffset,
      projStride,
      1,
      1,
    );
    for (let b = 0; b < this.#batch; b++) {
      if (mask !== null && mask[maskOffset + b * maskStride] === 0) continue;
      const z = projOffset + b * projStride;
      act(proj, z, u, u);
      const hb = b * u;
      for (let j = 0; j < u; j++) h[hb + j] = proj[z + j];
    }
  }
}
