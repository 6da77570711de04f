import { concat, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { CallContext, LayerOptions, ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { SymbolicMask, SymbolicTensor } from "../symbolic.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { broadcastIndex } from "./_broadcast.ts";
import { asFloat32, NO_SHAPE_CONTEXT, normalizeAxis } from "./_util.ts";
import { Merge } from "./merge.ts";

/** Options of {@linkcode Concatenate}. */
export interface ConcatenateOptions extends LayerOptions {
  /** The axis to join along (default -1, the features). */
  axis?: number;
}

/**
 * Keras `Concatenate`: joins a list of tensors along `axis`, in list order. All shapes must
 * match except along that axis. No weights.
 *
 * @example
 * ```ts
 * import { Concatenate } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const y = new Concatenate().apply([Tensor.zeros([2, 6]), Tensor.zeros([2, 6])]); // [2, 12]
 * ```
 */
export class Concatenate extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Concatenate";
  /** The axis to join along (may be negative). */
  readonly axis: number;

  /** Creates the layer. */
  constructor(options: ConcatenateOptions = {}) {
    super(options);
    const axis = options.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new TypeError(
        `Concatenate layer "${this.name}": axis must be an integer, received ${axis}`,
      );
    }
    this.axis = axis;
  }

  /** Unused: Concatenate joins rather than combines. */
  protected combine(a: number, _b: number): number {
    return a;
  }

  /** Output shape: the inputs' common shape with the axis sizes summed (null if any is). */
  override computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const bad = (): never => {
      throw new TypeError(
        `A Concatenate layer requires inputs with matching shapes except for the concatenation ` +
          `axis (layer "${this.name}", axis=${this.axis}). Received: input_shape=[${
            inputShapes.map(shapeToString).join(", ")
          }]`,
      );
    };
    if (inputShapes.length < 1) {
      throw new TypeError(
        `A Concatenate layer should be called on a list of at least 1 input (layer "${this.name}")`,
      );
    }
    const rank = inputShapes[0].length;
    if (inputShapes.some((s) => s.length !== rank)) bad();
    const axis = normalizeAxis(this.axis, rank, `Concatenate layer "${this.name}"`);
    const out: (number | null)[] = [...inputShapes[0]];
    for (const s of inputShapes.slice(1)) {
      for (let d = 0; d < rank; d++) {
        if (d === axis) {
          const a = out[d];
          const b = s[d];
          out[d] = a === null || b === null ? null : a + b;
        } else if (out[d] === null) out[d] = s[d];
        else if (s[d] !== null && s[d] !== out[d]) bad();
      }
    }
    return [out];
  }

  /** Joins the inputs along the axis. */
  override call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    this.computeOutputShape(inputs.map((t) => t.shape), NO_SHAPE_CONTEXT);
    const axis = normalizeAxis(this.axis, inputs[0].rank, `Concatenate layer "${this.name}"`);
    return [concat(inputs.map(asFloat32), axis)];
  }

  /**
   * Keras's rule: each input's mask (all true when it has none, broadcast over the last axis
   * when it is one rank short), joined along the axis, then `any` over the last axis.
   */
  override computeMask(
    inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    if (masks.length === 0 || masks.every((m) => m === null)) return [null];
    const full = inputs.map((x, i) => {
      const m = masks[i] ?? null;
      const data = new Float32Array(x.size);
      if (m === null) data.fill(1);
      else if (m.rank < x.rank) {
        const idx = broadcastIndex([...m.shape, 1], x.shape);
        for (let j = 0; j < data.length; j++) data[j] = m.data[idx ? idx[j] : j] ? 1 : 0;
      } else for (let j = 0; j < data.length; j++) data[j] = m.data[j] ? 1 : 0;
      return new Tensor(data, x.shape);
    });
    const axis = normalizeAxis(this.axis, inputs[0].rank, `Concatenate layer "${this.name}"`);
    const joined = concat(full, axis);
    const last = joined.shape[joined.rank - 1];
    const rows = last === 0 ? 0 : joined.size / last;
    const out = new Uint8Array(rows);
    const d = joined.f32;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < last; j++) {
        if (d[r * last + j] !== 0) {
          out[r] = 1;
          break;
        }
      }
    }
    return [new Tensor(out, joined.shape.slice(0, -1))];
  }

  /** The output has a mask when any input has one. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    return [inputsHaveMask.some((m) => m)];
  }

  /** A merged mask is computed while running (it combines several inputs' masks). */
  override symbolicOutputMasks(
    _inputs: readonly SymbolicTensor[],
    _previousMask: SymbolicMask,
    inputsHaveMask: readonly boolean[],
  ): SymbolicMask[] {
    return this.outputsHaveMask(inputsHaveMask).map((has) => (has ? "runtime" : null));
  }

  /** Keras 3 config: the base keys and `axis`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  /** Builds a Concatenate from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): Concatenate {
    const r = new ConfigReader("Concatenate", config, options);
    const layer = new Concatenate({ ...r.baseOptions(), axis: r.number("axis", -1) });
    r.done();
    return layer;
  }
}

registerLayer("Concatenate", (config, options) => Concatenate.fromConfig(config, options));
