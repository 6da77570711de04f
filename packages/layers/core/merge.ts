import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { SymbolicMask, SymbolicTensor } from "../symbolic.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { broadcastIndex } from "./_broadcast.ts";
import { asFloat32, NO_SHAPE_CONTEXT } from "./_util.ts";

function listToString(shapes: readonly Shape[]): string {
  return `[${shapes.map(shapeToString).join(", ")}]`;
}

/**
 * Base of Keras's elementwise merge layers (`Add`, `Subtract`, `Multiply`, `Average`,
 * `Maximum`, `Minimum`): called on a list of tensors, it combines them elementwise from left to
 * right. Shapes must agree after the batch axis, where a dimension of 1 broadcasts; an input of
 * lower rank is expanded at axis 1 first, as Keras does. The output mask is the OR of the input
 * masks when every input has one, else none.
 */
export abstract class Merge extends Layer {
  /** Creates the layer. */
  constructor(options: LayerOptions = {}) {
    super(options);
    this.supportsMasking = true;
  }

  /** Combines two values (the running result and the next input). */
  protected abstract combine(a: number, b: number): number;

  /** Post-processes the combined values (Average divides by the input count). */
  protected finish(_out: Float32Array, _count: number): void {}

  /** Checks the number of inputs (at least one; Subtract needs two). */
  protected checkCount(shapes: readonly Shape[]): void {
    if (shapes.length < 1) {
      throw new TypeError(
        `A merge layer should be called on a list of at least 1 input (layer "${this.name}"). ` +
          `Received ${shapes.length} inputs`,
      );
    }
  }

  #elementwise(a: Shape, b: Shape, all: readonly Shape[]): Shape {
    if (a.length < b.length) return this.#elementwise(b, a, all);
    if (b.length === 0) return a;
    const out: (number | null)[] = [...a.slice(0, a.length - b.length)];
    const tail = a.slice(a.length - b.length);
    for (let k = 0; k < b.length; k++) {
      const i = tail[k];
      const j = b[k];
      if (i === null || j === null) out.push(null);
      else if (i === 1) out.push(j);
      else if (j === 1) out.push(i);
      else if (i !== j) {
        throw new TypeError(
          `Layer "${this.name}" (${this.className}): inputs have incompatible shapes. ` +
            `Received shapes ${shapeToString(a)} and ${shapeToString(b)} ` +
            `(all input shapes: ${listToString(all)})`,
        );
      } else out.push(i);
    }
    return out;
  }

  /** Output shape following Keras's elementwise rules; throws on incompatible shapes. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    this.checkCount(inputShapes);
    const batches = new Set(inputShapes.map((s) => s[0]).filter((d) => d !== null));
    if (batches.size > 1) {
      throw new TypeError(
        `Layer "${this.name}" (${this.className}): cannot merge tensors with different batch ` +
          `sizes. Received tensors with shapes ${listToString(inputShapes)}`,
      );
    }
    let out: Shape = inputShapes[0].slice(1);
    for (let i = 1; i < inputShapes.length; i++) {
      out = this.#elementwise(out, inputShapes[i].slice(1), inputShapes);
    }
    const batch = batches.size === 1 ? [...batches][0] : null;
    return [[batch ?? null, ...out]];
  }

  /** Validates the shapes (no weights). */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    this.computeOutputShape(inputShapes, context ?? NO_SHAPE_CONTEXT);
    super.build(inputShapes, context);
  }

  /** Combines the inputs elementwise, left to right, in float32. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const [outShape] = this.computeOutputShape(inputs.map((t) => t.shape), NO_SHAPE_CONTEXT);
    const rank = Math.max(...inputs.map((t) => t.rank));
    const xs = inputs.map((t) => {
      const x = asFloat32(t);
      if (x.rank === rank) return x;
      const shape = [...x.shape];
      while (shape.length < rank) shape.splice(1, 0, 1);
      return x.reshape(shape);
    });
    const shape = outShape as number[];
    let n = 1;
    for (const d of shape) n *= d;
    const out = new Float32Array(n);
    const first = xs[0].f32;
    const idx0 = broadcastIndex(xs[0].shape, shape);
    for (let i = 0; i < n; i++) out[i] = first[idx0 ? idx0[i] : i];
    for (let k = 1; k < xs.length; k++) {
      const src = xs[k].f32;
      const idx = broadcastIndex(xs[k].shape, shape);
      if (idx) { for (let i = 0; i < n; i++) out[i] = this.combine(out[i], src[idx[i]]); }
      else for (let i = 0; i < n; i++) out[i] = this.combine(out[i], src[i]);
    }
    this.finish(out, xs.length);
    return [new Tensor(out, shape)];
  }

  /** OR of the input masks when every input has one, else none. */
  override computeMask(
    _inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    if (masks.length === 0 || masks.some((m) => m === null)) return [null];
    const first = masks[0]!;
    const out = new Uint8Array(first.size);
    for (const m of masks) {
      if (m!.size !== out.length) {
        throw new TypeError(
          `Layer "${this.name}" (${this.className}): input masks have different shapes ${
            listToString(masks.map((x) => x!.shape))
          }`,
        );
      }
      for (let i = 0; i < out.length; i++) out[i] |= m!.data[i] ? 1 : 0;
    }
    return [new Tensor(out, first.shape)];
  }

  /** The output has a mask when every input has one. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    return [inputsHaveMask.length > 0 && inputsHaveMask.every((m) => m)];
  }

  /** A merged mask is computed while running (it combines several inputs' masks). */
  override symbolicOutputMasks(
    _inputs: readonly SymbolicTensor[],
    _previousMask: SymbolicMask,
    inputsHaveMask: readonly boolean[],
  ): SymbolicMask[] {
    return this.outputsHaveMask(inputsHaveMask).map((has) => (has ? "runtime" : null));
  }
}

function register(
  className: string,
  make: (options: LayerOptions) => Merge,
): void {
  registerLayer(className, (config, options: DeserializeOptions) => {
    const r = new ConfigReader(className, config, options);
    const layer = make(r.baseOptions());
    r.done();
    return layer;
  });
}

/**
 * Keras `Add`: the elementwise sum of a list of tensors.
 *
 * @example
 * ```ts
 * import { Add } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Add().apply([a, b]); // a + b
 * ```
 */
export class Add extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Add";
  /** Sum. */
  protected combine(a: number, b: number): number {
    return a + b;
  }
}

/**
 * Keras `Subtract`: `inputs[0] - inputs[1]`; exactly two inputs.
 *
 * @example
 * ```ts
 * import { Subtract } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Subtract().apply([a, b]); // a - b
 * ```
 */
export class Subtract extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Subtract";
  /** Difference. */
  protected combine(a: number, b: number): number {
    return a - b;
  }
  /** Exactly two inputs. */
  protected override checkCount(shapes: readonly Shape[]): void {
    if (shapes.length !== 2) {
      throw new TypeError(
        `A Subtract layer should be called on exactly 2 inputs (layer "${this.name}"). ` +
          `Received ${shapes.length} inputs with shapes ${listToString(shapes)}`,
      );
    }
  }
}

/**
 * Keras `Multiply`: the elementwise product of a list of tensors.
 *
 * @example
 * ```ts
 * import { Multiply } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Multiply().apply([a, b]); // a * b
 * ```
 */
export class Multiply extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Multiply";
  /** Product. */
  protected combine(a: number, b: number): number {
    return a * b;
  }
}

/**
 * Keras `Average`: the elementwise mean of a list of tensors (sum, then divided by the count).
 *
 * @example
 * ```ts
 * import { Average } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Average().apply([a, b]); // (a + b) / 2
 * ```
 */
export class Average extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Average";
  /** Sum. */
  protected combine(a: number, b: number): number {
    return a + b;
  }
  /** Divides by the number of inputs. */
  protected override finish(out: Float32Array, count: number): void {
    for (let i = 0; i < out.length; i++) out[i] = out[i] / count;
  }
}

/**
 * Keras `Maximum`: the elementwise maximum of a list of tensors (NaN propagates).
 *
 * @example
 * ```ts
 * import { Maximum } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Maximum().apply([a, b]);
 * ```
 */
export class Maximum extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Maximum";
  /** Maximum. */
  protected combine(a: number, b: number): number {
    return Math.max(a, b);
  }
}

/**
 * Keras `Minimum`: the elementwise minimum of a list of tensors (NaN propagates).
 *
 * @example
 * ```ts
 * import { Minimum } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[1, 5]]);
 * const b = tensor([[3, 2]]);
 * new Minimum().apply([a, b]);
 * ```
 */
export class Minimum extends Merge {
  /** Keras class name. */
  static override readonly className: string = "Minimum";
  /** Minimum. */
  protected combine(a: number, b: number): number {
    return Math.min(a, b);
  }
}

register("Add", (o) => new Add(o));
register("Subtract", (o) => new Subtract(o));
register("Multiply", (o) => new Multiply(o));
register("Average", (o) => new Average(o));
register("Maximum", (o) => new Maximum(o));
register("Minimum", (o) => new Minimum(o));
