import { Tensor } from "@kerno/tensor";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";

/**
 * The body of a Lambda layer, written in TypeScript: it receives the layer's input (a list when
 * the layer has several inputs) and returns one tensor whose first axis is the batch. Each row
 * of the output must depend only on the same row of the input (the worker pool splits batches).
 */
export type LambdaFunction = (inputs: Tensor | Tensor[]) => Tensor;

/** A Lambda body, with the output shape (without the batch axis) when it should not be inferred. */
export interface LambdaDefinition {
  /** The body. */
  fn: LambdaFunction;
  /** The output shape without the batch axis (`null` for a size that varies). */
  outputShape?: Shape;
}

/** What `lambdas: { name: … }` accepts: a body, or a body with its output shape. */
export type LambdaSupply = LambdaFunction | LambdaDefinition;

/** Options of {@linkcode Lambda}. */
export interface LambdaOptions extends LayerOptions {
  /** The output shape without the batch axis; inferred by running the body when left out. */
  outputShape?: Shape | null;
  /** The Keras config the layer was loaded from, written back unchanged by `getConfig`. */
  kerasConfig?: Record<string, unknown>;
}

/** Probe sizes for unknown non-batch dimensions: two runs tell fixed sizes from varying ones. */
const PROBE_SIZES = [2, 3];

/**
 * Keras `Lambda`, with its body supplied in TypeScript (Kerno never runs the Python a Keras file
 * holds). The output shape is `outputShape` when given, else found by running the body on two
 * small probe inputs (batch 1, unknown sizes 2 then 3; a size that changes with them is unknown).
 * A loaded Lambda writes its Keras config back unchanged. The output carries no mask.
 *
 * @example
 * ```ts
 * import { Lambda } from "@kerno/layers";
 * import { Tensor, tensor } from "@kerno/tensor";
 * // sum over time: [batch, time, features] -> [batch, features]
 * const sumOverTime = new Lambda((x) => {
 *   const t = x as Tensor;
 *   const [b, steps, f] = t.shape;
 *   const out = new Float32Array(b * f);
 *   for (let i = 0; i < b * steps * f; i++) {
 *     out[Math.floor(i / (steps * f)) * f + (i % f)] += t.f32[i];
 *   }
 *   return new Tensor(out, [b, f]);
 * });
 * sumOverTime.apply(tensor([[[1, 2], [3, 4]]])); // [[4, 6]]
 * ```
 */
export class Lambda extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;

  /** Keras class name. */
  static override readonly className: string = "Lambda";
  /** The body. */
  readonly fn: LambdaFunction;
  /** The output shape without the batch axis, or null (inferred). */
  readonly outputShape: Shape | null;
  readonly #kerasConfig: Record<string, unknown> | null;
  #inferred: Shape | null = null;

  /** Creates the layer around `fn`. */
  constructor(fn: LambdaFunction, options: LambdaOptions = {}) {
    super(options);
    if (typeof fn !== "function") {
      throw new TypeError(
        `Lambda layer "${this.name}": expected a TypeScript function, received ${String(fn)}`,
      );
    }
    this.fn = fn;
    this.outputShape = options.outputShape ? [...options.outputShape] : null;
    this.#kerasConfig = options.kerasConfig ?? null;
    this.built = true;
  }

  /** `(batch, …outputShape)`, or the shape found by running the body on probe inputs. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const batch = inputShapes[0]?.[0] ?? null;
    if (this.outputShape) return [[batch, ...this.outputShape]];
    const runs = PROBE_SIZES.map((size) => this.#probe(inputShapes, size));
    const [a, b] = runs;
    if (a.length !== b.length) {
      throw new TypeError(
        `Lambda layer "${this.name}": its output rank changes with the input sizes (${
          shapeToString(a)
        } vs ${shapeToString(b)}); give the output shape: { fn, outputShape }`,
      );
    }
    this.#inferred = a.slice(1).map((d, i) => d === b[i + 1] ? d : null);
    return [[batch, ...this.#inferred]];
  }

  #probe(inputShapes: readonly Shape[], size: number): number[] {
    const inputs = inputShapes.map((shape) => {
      const dims = shape.map((d, i) => d ?? (i === 0 ? 1 : size));
      const n = dims.reduce((p, d) => p * d, 1);
      return new Tensor(Float32Array.from({ length: n }, (_, i) => ((i % 7) + 1) / 8), dims);
    });
    let y: unknown;
    try {
      y = this.fn(inputs.length === 1 ? inputs[0] : inputs);
    } catch (e) {
      throw new TypeError(
        `Lambda layer "${this.name}": could not infer its output shape by running it on ${
          inputs.map((t) => shapeToString(t.shape)).join(", ")
        } (${(e as Error).message}); give the output shape: { fn, outputShape }`,
      );
    }
    return [...this.#checkOutput(y).shape];
  }

  #checkOutput(y: unknown): Tensor {
    if (!(y instanceof Tensor)) {
      throw new TypeError(
        `Lambda layer "${this.name}": its function must return one Tensor, received ${
          Array.isArray(y) ? "a list" : String(y)
        }`,
      );
    }
    return y;
  }

  /** Runs the body and checks the output against the batch size and the known sizes. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const y = this.#checkOutput(this.fn(inputs.length === 1 ? inputs[0] : [...inputs]));
    const sample = this.outputShape ?? this.#inferred;
    const want: Shape = [inputs[0]?.shape[0] ?? null, ...(sample ?? y.shape.slice(1))];
    const ok = y.shape.length === want.length &&
      want.every((d, i) => d === null || d === y.shape[i]);
    if (!ok) {
      throw new TypeError(
        `Lambda layer "${this.name}": its function returned shape ${
          shapeToString(y.shape)
        }, expected ${shapeToString(want)}`,
      );
    }
    return [y];
  }

  /** The output carries no mask (a Keras Lambda without `mask`). */
  override computeMask(): (Tensor | null)[] {
    return [null];
  }

  /** The output carries no mask. */
  override outputsHaveMask(): boolean[] {
    return [false];
  }

  /** The Keras config it was loaded from, or the base keys with `function: null`. */
  override getConfig(): Record<string, unknown> {
    if (this.#kerasConfig) return { ...this.#kerasConfig, name: this.name };
    const out: Record<string, unknown> = { ...super.getConfig(), function: null };
    if (this.outputShape) out.output_shape = [...this.outputShape];
    out.arguments = {};
    return out;
  }

  /**
   * Builds a Lambda from its Keras config with the body `options.lambdas[name]`; without one,
   * the error says how to supply it. A Keras `mask` function is refused.
   */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Lambda {
    const name = typeof config.name === "string" ? config.name : "(unnamed)";
    const supply = options.lambdas?.[name];
    if (!supply) {
      throw new TypeError(
        `Lambda layer "${name}" holds Python code, which Kerno never runs; supply its body in ` +
          `TypeScript by name: loadModel(path, { lambdas: { "${name}": (x) => … } })`,
      );
    }
    if (config.mask !== undefined && config.mask !== null) {
      throw new TypeError(
        `Lambda layer "${name}": a Lambda with a mask function is not supported`,
      );
    }
    const def = typeof supply === "function" ? { fn: supply } : supply;
    const saved = config.output_shape;
    const fileShape = Array.isArray(saved) && saved.every((d) => d === null || Number.isInteger(d))
      ? saved as Shape
      : null;
    return new Lambda(def.fn, {
      name,
      trainable: typeof config.trainable === "boolean" ? config.trainable : undefined,
      outputShape: def.outputShape ?? fileShape,
      kerasConfig: { ...config },
    });
  }
}

registerLayer("Lambda", (config, options) => Lambda.fromConfig(config, options));
