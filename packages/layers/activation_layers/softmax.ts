import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { asFloat32, normalizeAxis } from "../core/_util.ts";
import { broadcastIndex } from "../core/_broadcast.ts";

/** Options of {@linkcode Softmax}. */
export interface SoftmaxOptions extends LayerOptions {
  /** The axis (or axes) normalized (default -1). */
  axis?: number | readonly number[];
}

/** What Keras puts at masked positions before the softmax (float32). */
const LARGE_NEGATIVE = -1e9;

/**
 * Keras `Softmax`: `exp(x − max) / sum(exp(x − max))` along `axis` (several axes are normalized
 * together). With a mask (broadcast to the input from the right, as Keras does), masked values
 * are replaced by −1e9 before and set to 0 after. No weights; the mask passes through.
 *
 * @example
 * ```ts
 * import { Softmax } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Softmax({ axis: 1 }).apply(tensor([[[1], [1]]])); // [[[0.5], [0.5]]]
 * ```
 */
export class Softmax extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;

  /** Keras class name. */
  static override readonly className: string = "Softmax";
  /** The axis as configured: a number, or a list of them. */
  readonly axis: number | readonly number[];

  /** Creates the layer. */
  constructor(options: SoftmaxOptions = {}) {
    super(options);
    const axis = options.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : axis;
    if (
      !Array.isArray(list) && typeof axis !== "number" || list.length === 0 ||
      list.some((a) => !Number.isInteger(a))
    ) {
      throw new TypeError(
        `Softmax layer "${this.name}": axis must be an integer or a list of integers, received ${
          JSON.stringify(axis)
        }`,
      );
    }
    this.axis = typeof axis === "number" ? axis : [...axis];
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** The softmax, with Keras's mask handling. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const shape = x.shape;
    const where = `Softmax layer "${this.name}"`;
    const axes = [
      ...new Set((typeof this.axis === "number" ? [this.axis] : this.axis)
        .map((a) => normalizeAxis(a, shape.length, where))),
    ].sort((a, b) => a - b);
    const out = Float32Array.from(x.f32);
    const mask = context.masks[0] ?? null;
    const keep = mask ? this.#maskIndex(mask, shape) : null;
    if (keep) { for (let i = 0; i < out.length; i++) if (!keep(i)) out[i] = LARGE_NEGATIVE; }
    softmaxAlong(out, shape, axes);
    if (keep) { for (let i = 0; i < out.length; i++) if (!keep(i)) out[i] = 0; }
    return [new Tensor(out, shape)];
  }

  /** Whether element `i` of the input is kept, under the mask broadcast from the right. */
  #maskIndex(mask: Tensor, shape: readonly number[]): (i: number) => boolean {
    const m = mask.shape;
    const bad = m.length > shape.length ||
      m.some((d, k) => d !== 1 && d !== shape[shape.length - m.length + k]);
    if (bad) {
      throw new TypeError(
        `Softmax layer "${this.name}": the mask ${
          shapeToString(m)
        } must be broadcastable to the input ${
          shapeToString(shape)
        } (aligned from the last axis, as Keras requires)`,
      );
    }
    const full = [...new Array(shape.length - m.length).fill(1), ...m];
    const index = broadcastIndex(full, [...shape]);
    const data = mask.data;
    return index ? (i) => data[index[i]] > 0.5 : (i) => data[i] > 0.5;
  }

  /** Keras 3 config: the base keys and `axis`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === "number" ? this.axis : [...this.axis],
    };
  }

  /** Builds a Softmax from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Softmax {
    const r = new ConfigReader("Softmax", config, options);
    const axis = r.raw("axis") ?? -1;
    const layer = new Softmax({ ...r.baseOptions(), axis: axis as number | number[] });
    r.done();
    return layer;
  }
}

/**
 * Softmax in place over `axes` (sorted, non-negative) of a row-major `shape`: for every index of
 * the other axes, `exp(x − max) / sum`, each step rounded to float32 as numpy does.
 */
export function softmaxAlong(data: Float32Array, shape: readonly number[], axes: number[]): void {
  const rank = shape.length;
  const strides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const inAxes = new Set(axes);
  const groupDims = shape.map((_, d) => d).filter((d) => !inAxes.has(d));
  const groups = groupDims.reduce((a, d) => a * shape[d], 1);
  const n = axes.reduce((a, d) => a * shape[d], 1);
  const offsets = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    let rest = p;
    let off = 0;
    for (let k = axes.length - 1; k >= 0; k--) {
      off += (rest % shape[axes[k]]) * strides[axes[k]];
      rest = Math.floor(rest / shape[axes[k]]);
    }
    offsets[p] = off;
  }
  const f = Math.fround;
  for (let g = 0; g < groups; g++) {
    let rest = g;
    let base = 0;
    for (let k = groupDims.length - 1; k >= 0; k--) {
      const d = groupDims[k];
      base += (rest % shape[d]) * strides[d];
      rest = Math.floor(rest / shape[d]);
    }
    let max = -Infinity;
    for (let p = 0; p < n; p++) max = Math.max(max, data[base + offsets[p]]);
    let sum = 0;
    for (let p = 0; p < n; p++) {
      const i = base + offsets[p];
      const e = f(Math.exp(f(data[i] - max)));
      data[i] = e;
      sum += e;
    }
    const total = f(sum);
    for (let p = 0; p < n; p++) data[base + offsets[p]] = data[base + offsets[p]] / total;
  }
}

registerLayer("Softmax", (config, options) => Softmax.fromConfig(config, options));
