import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import type { SymbolicMask, SymbolicTensor } from "../symbolic.ts";
import { Any } from "./any.ts";
import { NotEqual } from "./not_equal.ts";
import { asFloat32 } from "./_util.ts";

/** Options of {@linkcode Masking}. */
export interface MaskingOptions extends LayerOptions {
  /** The padding value (default 0). */
  maskValue?: number;
}

/**
 * Keras `Masking`: a timestep is kept when any of its features differs from `maskValue`. The
 * output is the input times that mask (fully padded timesteps become zeros) and carries a bool
 * mask of the input's shape without its last axis (`[batch, timesteps]` for a sequence), which
 * recurrent layers downstream use to skip padded steps.
 *
 * @example
 * ```ts
 * import { Masking, maskOf } from "@kerno/layers";
 * import { type Tensor, tensor } from "@kerno/tensor";
 * const y = new Masking().apply(tensor([[[1, 2], [0, 0]]])) as Tensor;
 * maskOf(y)!.toArray(); // [[1, 0]]
 * ```
 */
export class Masking extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Masking";
  /** The padding value. */
  readonly maskValue: number;

  /** Creates the layer. */
  constructor(options: MaskingOptions = {}) {
    super(options);
    this.maskValue = options.maskValue ?? 0;
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** The bool mask `any(x != maskValue, axis=-1)`. */
  mask(x: Tensor): Tensor {
    const last = x.shape[x.shape.length - 1] ?? 1;
    const rows = last === 0 ? 0 : x.size / last;
    const m = new Uint8Array(rows);
    const d = x.data;
    const v = this.maskValue;
    for (let r = 0; r < rows; r++) {
      const o = r * last;
      for (let j = 0; j < last; j++) {
        if (d[o + j] !== v) {
          m[r] = 1;
          break;
        }
      }
    }
    return new Tensor(m, x.shape.slice(0, -1));
  }

  /** The input multiplied by its mask, as Keras computes it. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const m = this.mask(x).data;
    const last = x.shape[x.shape.length - 1] ?? 1;
    const src = x.f32;
    const out = new Float32Array(src.length);
    for (let r = 0; r < m.length; r++) {
      const keep = m[r];
      const o = r * last;
      for (let j = 0; j < last; j++) out[o + j] = src[o + j] * keep;
    }
    return [new Tensor(out, x.shape)];
  }

  /** The mask computed from the input (an incoming mask is replaced). */
  override computeMask(
    inputs: readonly Tensor[],
    _masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    return [this.mask(inputs[0])];
  }

  /** The output always carries a mask. */
  override outputsHaveMask(_inputsHaveMask: readonly boolean[]): boolean[] {
    return [true];
  }

  /**
   * In a graph the mask is `any(x != mask_value, axis=-1)`, built from `NotEqual` and `Any`
   * operation nodes on the layer's input, as Keras 3 records it.
   */
  override symbolicOutputMasks(inputs: readonly SymbolicTensor[]): SymbolicMask[] {
    const notEqual = new NotEqual().apply(inputs[0], { extraArgs: [this.maskValue] });
    return [
      new Any({ axis: -1, keepdims: false }).apply(notEqual as SymbolicTensor) as SymbolicTensor,
    ];
  }

  /** Keras 3 config: the base keys and `mask_value`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }

  /** Builds a Masking layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Masking {
    const r = new ConfigReader("Masking", config, options);
    const layer = new Masking({ ...r.baseOptions(), maskValue: r.number("mask_value", 0) });
    r.done();
    return layer;
  }
}

registerLayer("Masking", (config, options) => Masking.fromConfig(config, options));
