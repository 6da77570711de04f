import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/get.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import type { Variable } from "../variable.ts";
import { asFloat32, readInitializer } from "../core/_util.ts";
import { broadcastIndex } from "../core/_broadcast.ts";

/** Options of {@linkcode PReLU} (Keras's arguments in camelCase). */
export interface PReLUOptions extends LayerOptions {
  /** Initializer of `alpha` (default `zeros`). */
  alphaInitializer?: InitializerSpec;
  /** Training only: accepted, kept in the config. */
  alphaRegularizer?: unknown;
  /** Training only: accepted, kept in the config. */
  alphaConstraint?: unknown;
  /** Axes (numbered from 1) along which one `alpha` is shared; null (default) for none. */
  sharedAxes?: readonly number[] | null;
}

/**
 * Keras `PReLU`: `max(x, 0) − alpha·max(−x, 0)` with a learned `alpha` of the sample's shape,
 * size 1 along `sharedAxes`. Weight: `alpha`. A mask passes through.
 *
 * @example
 * ```ts
 * import { PReLU } from "@kerno/layers";
 * const prelu = new PReLU({ sharedAxes: [1] }); // one alpha per feature of [batch, time, features]
 * ```
 */
export class PReLU extends Layer {
  /** Keras class name. */
  static override readonly className: string = "PReLU";
  /** Initializer of `alpha`. */
  readonly alphaInitializer: Initializer;
  /** Shared axes, or null. */
  readonly sharedAxes: readonly number[] | null;
  /** `alpha`, once built. */
  alpha: Variable | null = null;
  readonly #training: Record<string, unknown>;

  /** Creates the layer. */
  constructor(options: PReLUOptions = {}) {
    super(options);
    this.alphaInitializer = getInitializer(options.alphaInitializer ?? "zeros");
    const shared = options.sharedAxes ?? null;
    if (shared !== null && shared.some((a) => !Number.isInteger(a) || a < 1)) {
      throw new RangeError(
        `PReLU layer "${this.name}": shared_axes must be axes numbered from 1, received ${
          JSON.stringify(shared)
        }`,
      );
    }
    this.sharedAxes = shared === null ? null : [...shared];
    this.#training = {
      alpha_regularizer: options.alphaRegularizer ?? null,
      alpha_constraint: options.alphaConstraint ?? null,
    };
    this.supportsMasking = true;
  }

  /** Creates `alpha` with the sample's shape, 1 along the shared axes; those sizes must be known. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shape = inputShapes[0];
    const param = shape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (a >= shape.length) {
        throw new RangeError(
          `PReLU layer "${this.name}": shared axis ${a} is out of range for input shape ${
            shapeToString(shape)
          }`,
        );
      }
      param[a - 1] = 1;
    }
    if (param.includes(null)) {
      throw new TypeError(
        `PReLU layer "${this.name}": the input sizes outside shared_axes must be known, received shape ${
          shapeToString(shape)
        }`,
      );
    }
    this.alpha = this.addWeight("alpha", param as number[], this.alphaInitializer);
    this.inputSpec = { ndim: shape.length };
    super.build(inputShapes, context);
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** `relu(x) + (−alpha)·relu(−x)`, in Keras's order of float32 operations. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const alpha = this.alpha!.value;
    const sample = x.shape.slice(1);
    const where = broadcastIndex(alpha.shape, sample);
    const a = alpha.f32;
    const src = x.f32;
    const out = new Float32Array(src.length);
    const per = sample.reduce((p, d) => p * d, 1);
    const f = Math.fround;
    for (let i = 0; i < src.length; i++) {
      const j = i % per;
      const v = src[i];
      const neg = f(-a[where ? where[j] : j] * Math.max(-v, 0));
      out[i] = Math.max(v, 0) + neg;
    }
    return [new Tensor(out, x.shape)];
  }

  /** Keras 3 config, key for key. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: serializeInitializer(this.alphaInitializer),
      alpha_regularizer: this.#training.alpha_regularizer,
      alpha_constraint: this.#training.alpha_constraint,
      shared_axes: this.sharedAxes === null ? null : [...this.sharedAxes],
    };
  }

  /** Builds a PReLU from its Keras config (`shared_axes` may be one integer). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): PReLU {
    const r = new ConfigReader("PReLU", config, options);
    const shared = r.raw("shared_axes");
    const layer = new PReLU({
      ...r.baseOptions(),
      alphaInitializer: readInitializer(r, "alpha_initializer", "zeros"),
      alphaRegularizer: r.raw("alpha_regularizer"),
      alphaConstraint: r.raw("alpha_constraint"),
      sharedAxes: shared === undefined || shared === null
        ? null
        : Array.isArray(shared)
        ? shared as number[]
        : [shared as number],
    });
    r.done();
    return layer;
  }
}

registerLayer("PReLU", (config, options) => PReLU.fromConfig(config, options));
