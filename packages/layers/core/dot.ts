import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { transpose } from "../reshaping/permute.ts";
import { asFloat32 } from "./_util.ts";

/** Options of {@linkcode Dot}. */
export interface DotOptions extends LayerOptions {
  /** L2-normalize both inputs along their dot axis first (cosine similarity; default false). */
  normalize?: boolean;
}

/** `x / ‖x‖₂` along `axis` (a zero norm counts as 1), as Keras's numpy backend computes it. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const shape = x.shape;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const k = shape[axis];
  const outer = x.size / (k * inner || 1);
  const src = x.f32;
  const out = new Float32Array(src.length);
  const f = Math.fround;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * k * inner + j;
      let sq = 0;
      for (let p = 0; p < k; p++) sq += f(src[base + p * inner] * src[base + p * inner]);
      const norm = f(Math.sqrt(f(sq))) || 1;
      for (let p = 0; p < k; p++) out[base + p * inner] = src[base + p * inner] / norm;
    }
  }
  return new Tensor(out, shape);
}

/**
 * Keras `Dot(axes)`: for each sample, the dot product of two tensors along one axis of each
 * (Keras's `batch_dot`): the output holds the other axes of the first input, then those of the
 * second (`(batch, 1)` when nothing is left). `axes` is one axis for both or `[a0, a1]`, never
 * the batch axis; with `normalize`, the result is a cosine similarity. No weights; the output
 * carries no mask.
 *
 * @example
 * ```ts
 * import { Dot } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Dot(1).apply([tensor([[1, 2]]), tensor([[3, 4]])]); // [[11]]
 * ```
 */
export class Dot extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Dot";
  /** The dot axis of both inputs, or one per input. */
  readonly axes: number | readonly [number, number];
  /** Whether the inputs are L2-normalized first. */
  readonly normalize: boolean;

  /** Creates the layer; `axes` is an integer or a pair of integers. */
  constructor(axes: number | readonly number[], options: DotOptions = {}) {
    super(options);
    const ok = typeof axes === "number"
      ? Number.isInteger(axes)
      : Array.isArray(axes) && axes.length === 2 && axes.every((a) => Number.isInteger(a));
    if (!ok) {
      throw new TypeError(
        `Dot layer "${this.name}": axes must be an integer or a list of two integers, received ${
          JSON.stringify(axes)
        }`,
      );
    }
    this.axes = typeof axes === "number" ? axes : [axes[0], axes[1]];
    this.normalize = options.normalize ?? false;
    this.supportsMasking = true;
  }

  /** The dot axis of each input (non-negative), checked against the ranks and sizes. */
  #axesFor(shapes: readonly Shape[]): [number, number] {
    if (shapes.length !== 2) {
      throw new TypeError(
        `A Dot layer should be called on a list of 2 inputs (layer "${this.name}"), received ${shapes.length}`,
      );
    }
    const [s1, s2] = shapes;
    const raw = typeof this.axes === "number" ? [this.axes, this.axes] : this.axes;
    const axes = raw.map((a, i) => {
      const rank = shapes[i].length;
      return a < 0 ? ((a % rank) + rank) % rank : a;
    }) as [number, number];
    axes.forEach((a, i) => {
      if (a === 0 || a >= shapes[i].length) {
        throw new RangeError(
          `Dot layer "${this.name}": axis ${raw[i]} of input ${i} ${
            shapeToString(shapes[i])
          } must be one of its non-batch axes`,
        );
      }
    });
    const d1 = s1[axes[0]];
    const d2 = s2[axes[1]];
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw new TypeError(
        `Dot layer "${this.name}": incompatible input shapes: axis values ${d1} (at axis ${
          axes[0]
        }) != ${d2} (at axis ${axes[1]}). Full input shapes: ${shapeToString(s1)}, ${
          shapeToString(s2)
        }`,
      );
    }
    return axes;
  }

  /** Checks the two shapes once, as Keras's `build` does. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    this.#axesFor(inputShapes);
    super.build(inputShapes, context);
  }

  /** The first input's other axes, then the second's, after the batch axis. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const [a0, a1] = this.#axesFor(inputShapes);
    const [s1, s2] = inputShapes;
    const out = [...s1.filter((_, i) => i !== a0), ...s2.filter((_, i) => i !== a1 && i !== 0)];
    return [out.length === 1 ? [...out, 1] : out];
  }

  /** Batched matrix product of the two inputs, their dot axes moved together. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const [a0, a1] = this.#axesFor(inputs.map((t) => t.shape));
    let x = asFloat32(inputs[0]);
    let y = asFloat32(inputs[1]);
    if (x.shape[0] !== y.shape[0]) {
      throw new TypeError(
        `Dot layer "${this.name}": the inputs have different batch sizes: ${
          shapeToString(x.shape)
        } and ${shapeToString(y.shape)}`,
      );
    }
    if (this.normalize) {
      x = l2Normalize(x, a0);
      y = l2Normalize(y, a1);
    }
    const xOther = x.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a0);
    const yOther = y.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a1);
    const xt = transpose(x, [0, ...xOther, a0]).f32;
    const yt = transpose(y, [0, a1, ...yOther]).f32;
    const b = x.shape[0];
    const k = x.shape[a0];
    const m = xOther.reduce((p, i) => p * x.shape[i], 1);
    const n = yOther.reduce((p, i) => p * y.shape[i], 1);
    const out = new Float32Array(b * m * n);
    for (let r = 0; r < b; r++) {
      const xo = r * m * k;
      const yo = r * k * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += xt[xo + i * k + p] * yt[yo + p * n + j];
          out[(r * m + i) * n + j] = s;
        }
      }
    }
    const shape = [b, ...xOther.map((i) => x.shape[i]), ...yOther.map((i) => y.shape[i])];
    return [new Tensor(out, shape.length === 1 ? [b, 1] : shape)];
  }

  /** The output carries no mask (Keras's `Dot.compute_mask`). */
  override computeMask(): (Tensor | null)[] {
    return [null];
  }

  /** The output carries no mask. */
  override outputsHaveMask(): boolean[] {
    return [false];
  }

  /** Keras 3 config: the base keys, `axes`, `normalize`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axes: typeof this.axes === "number" ? this.axes : [...this.axes],
      normalize: this.normalize,
    };
  }

  /** Builds a Dot from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Dot {
    const r = new ConfigReader("Dot", config, options);
    const layer = new Dot(r.raw("axes") as number | number[], {
      ...r.baseOptions(),
      normalize: r.boolean("normalize", false),
    });
    r.done();
    return layer;
  }
}

registerLayer("Dot", (config, options) => Dot.fromConfig(config, options));
