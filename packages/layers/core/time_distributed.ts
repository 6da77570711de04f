import type { DType, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import {
  deserializeLayer,
  type DeserializeOptions,
  registerLayer,
  serializeLayer,
} from "../registry.ts";
import { type Shape, shapesCompatible, shapeToString } from "../shape.ts";

/**
 * Keras `TimeDistributed(layer)`: applies `layer` to every timestep of a `[batch, time, …]`
 * input. The input is seen as `[batch·time, …]` (no copy), the inner layer runs once over all
 * those rows, and its output is seen as `[batch, time, …]` again. The inner layer belongs to the
 * wrapper: when the wrapper builds it, its weight paths read `time_distributed/dense/kernel`; a
 * layer that was already built (a model made with an `Input`) keeps its own (`head/dense/kernel`),
 * as in Keras. A mask passes through.
 *
 * @example
 * ```ts
 * import { Dense, TimeDistributed } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const td = new TimeDistributed(new Dense(3));
 * const y = td.apply(Tensor.zeros([2, 5, 4])) as Tensor; // shape [2, 5, 3]
 * ```
 */
export class TimeDistributed extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;
  /** Keras's `call` takes `training` (default `null`). */
  override readonly callTrainingDefault: boolean | null | undefined = null;

  /** Keras class name. */
  static override readonly className: string = "TimeDistributed";
  /** The wrapped layer. */
  readonly layer: Layer;

  /** Wraps `layer`, which becomes this wrapper's child. */
  constructor(layer: Layer, options: LayerOptions = {}) {
    super(options);
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `TimeDistributed layer "${this.name}": expected a Layer to wrap, received ${String(layer)}`,
      );
    }
    if (layer.outputCount() !== 1) {
      throw new TypeError(
        `TimeDistributed layer "${this.name}": the wrapped layer "${layer.name}" must have one output, it has ${layer.outputCount()}`,
      );
    }
    this.layer = layer;
    layer.parent = this;
    // Keras names variables by the scopes open when they are created, and a built layer has
    // created its variables outside this wrapper.
    if (layer.built) this.scopesVariablePaths = false;
    this.supportsMasking = true;
    this.inputSpec = { minNdim: 3 };
  }

  #innerShape(shape: Shape): Shape {
    return [shape[0], ...shape.slice(2)];
  }

  /** Builds the inner layer on the per-timestep shape `(batch, …)`. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const inner = this.#innerShape(inputShapes[0]);
    if (!this.layer.built) {
      this.layer.build([inner], { initialState: null, extraArgs: [] });
    }
    super.build(inputShapes, context);
  }

  /** Checks the rank, and that each timestep fits the shape the inner layer was built for. */
  protected override checkInputs(shapes: readonly Shape[]): void {
    super.checkInputs(shapes);
    const built = this.layer.buildShapes?.[0];
    if (!built) return;
    shapes.forEach((shape, i) => {
      const inner = this.#innerShape(shape);
      if (!shapesCompatible(inner.slice(1), built.slice(1))) {
        throw new TypeError(
          `Input ${i} of layer "${this.name}" is incompatible with the wrapped layer "${this.layer.name}": ` +
            `each timestep has shape ${shapeToString(inner)}, but the layer was built for ${
              shapeToString(built)
            } (full input shape ${shapeToString(shape)})`,
        );
      }
    });
  }

  /** `(batch, time, …inner output without its batch axis)`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    const [out] = this.layer.computeOutputShape([this.#innerShape(shape)], {
      initialState: null,
      extraArgs: [],
    });
    return [[shape[0], shape[1], ...out.slice(1)]];
  }

  /** The inner layer's output dtype. */
  override outputDtypes(inputDtypes: readonly DType[]): DType[] {
    return this.layer.outputDtypes(inputDtypes);
  }

  /** Runs the inner layer once over all `batch·time` rows. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = inputs[0];
    const [b, t, ...rest] = x.shape;
    const flat = x.reshape([b * t, ...rest]);
    const mask = context.masks[0] ?? null;
    let innerMask: Tensor | null = null;
    if (mask) {
      if (mask.shape[0] !== b || mask.shape[1] !== t) {
        throw new TypeError(
          `TimeDistributed layer "${this.name}": the mask shape ${
            shapeToString(mask.shape)
          } must start with the input's (batch, timesteps) = (${b}, ${t})`,
        );
      }
      innerMask = mask.reshape([b * t, ...mask.shape.slice(2)]);
    }
    const [y] = this.layer.call([flat], {
      masks: [innerMask],
      initialState: null,
      training: false,
      extraArgs: [],
    });
    return [y.reshape([b, t, ...y.shape.slice(1)])];
  }

  /** The wrapped layer, under Keras's attribute name `layer`. */
  override children(): [string, Layer | Layer[]][] {
    return [["layer", this.layer]];
  }

  /** Keras 3 config: the base keys and the serialized inner `layer`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  /** Builds a TimeDistributed from its Keras config (the inner layer in Keras 3 or 2 form). */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): TimeDistributed {
    const r = new ConfigReader("TimeDistributed", config, options);
    const inner = deserializeLayer(r.raw("layer"), options);
    const layer = new TimeDistributed(inner, r.baseOptions());
    r.done();
    return layer;
  }
}

registerLayer("TimeDistributed", (config, options) => TimeDistributed.fromConfig(config, options));
