/**
 * A pool setup module for `keras_layers_pool_test.ts`: the Lambda body `reverse` (time
 * reversed) and a layer class of the test's own with a weight (`AttentionPooling`). Each pool
 * worker imports it before it builds models; the main thread loads the model with the same
 * functions (`importSetup`).
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import {
  type CallContext,
  ConfigReader,
  type DeserializeOptions,
  getInitializer,
  type LambdaSupply,
  Layer,
  type LayerFactory,
  type LayerOptions,
  type Shape,
  type ShapeContext,
  type Variable,
} from "@kerno/layers";
import { reverseTime } from "../docs/examples/09_lambda.ts";

/**
 * Attention pooling over time with one weight `kernel` `(features, 1)`: the scores `x_t · w`,
 * softmax over time, then `Σ_t a_t x_t`: `(batch, time, features)` → `(batch, features)`.
 */
export class AttentionPooling extends Layer {
  /** Its Keras class name (a class written for the model, not one of Keras's). */
  static override readonly className: string = "AttentionPooling";
  #kernel: Variable | null = null;

  /** Creates the layer. */
  constructor(options: LayerOptions = {}) {
    super(options);
  }

  /** Creates `kernel` `(features, 1)`. */
  override build(shapes: readonly Shape[]): void {
    const features = shapes[0][2];
    if (features === null) throw new TypeError("AttentionPooling needs a known feature size");
    this.#kernel = this.addWeight("kernel", [features, 1], getInitializer("glorot_uniform", 7));
    super.build(shapes);
  }

  /** `(batch, features)`. */
  computeOutputShape(shapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [[shapes[0][0], shapes[0][2]]];
  }

  /** The weighted sum over time, one row at a time (a row never sees another). */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = inputs[0].f32;
    const [b, steps, f] = inputs[0].shape;
    const w = this.#kernel!.value.f32;
    const out = new Float32Array(b * f);
    const a = new Float64Array(steps);
    for (let r = 0; r < b; r++) {
      let max = -Infinity;
      for (let t = 0; t < steps; t++) {
        let s = 0;
        for (let k = 0; k < f; k++) s += x[(r * steps + t) * f + k] * w[k];
        a[t] = s;
        max = Math.max(max, s);
      }
      let sum = 0;
      for (let t = 0; t < steps; t++) sum += a[t] = Math.exp(a[t] - max);
      for (let t = 0; t < steps; t++) {
        for (let k = 0; k < f; k++) out[r * f + k] += (a[t] / sum) * x[(r * steps + t) * f + k];
      }
    }
    return [new Tensor(out, [b, f])];
  }

  /** Reads the Keras config (only the base keys). */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions) {
    const r = new ConfigReader("AttentionPooling", config, options);
    const layer = new AttentionPooling(r.baseOptions());
    r.done();
    return layer;
  }
}

/** The Lambda bodies, by layer name. */
export const lambdas: Record<string, LambdaSupply> = { reverse: reverseTime };

/** The classes, by Keras class name. */
export const customObjects: Record<string, LayerFactory> = {
  AttentionPooling: (config, options) => AttentionPooling.fromConfig(config, options),
};
