import type { Tensor } from "@kerno/tensor";
import {
  dtypePolicyConfig,
  Layer,
  type Nested,
  serializeLayer,
  type Shape,
  shapeToString,
  SymbolicTensor,
} from "@kerno/layers";
import { InputLayer } from "./input_layer.ts";
import { type BaseModelOptions, Model, type SummaryPlan } from "./model.ts";

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * A plain stack of layers, each reading the previous one's output (Keras's `Sequential`). Start
 * it with `Input()` (or an `InputLayer`), or give the first layer `inputShape`; the model builds
 * as soon as the input shape is known, or from the first data it predicts on.
 *
 * Its layers become children of the model, so weight paths read
 * `sequential/lstm/lstm_cell/kernel`, and {@linkcode Sequential.layers} leaves the InputLayer out.
 *
 * @example
 * ```ts ignore
 * import { Input, Sequential } from "@kerno/model";
 * import { Dense, LSTM } from "@kerno/layers";
 * const model = new Sequential([Input({ shape: [5, 3] }), new LSTM(4), new Dense(1)]);
 * model.summary();
 * ```
 */
export class Sequential extends Model {
  /** Python module Keras serializes this class under. */
  static override readonly module: string = "keras";
  /** Keras class name. */
  static override readonly className: string = "Sequential";
  /** `registered_name` in the serialized form. */
  static override readonly registeredName: string | null = null;

  #stack: Layer[] = [];

  /** A model over `layers` (an `Input()` tensor or `InputLayer` may come first). */
  constructor(layers: readonly (Layer | SymbolicTensor)[] = [], options: BaseModelOptions = {}) {
    super(options);
    for (const layer of layers) this.#push(layer);
    if (this.#stack.length > 0) this.#rebuild();
  }

  /** The layers, without the InputLayer. */
  override get layers(): Layer[] {
    return this.#stack.filter((l, i) => !(i === 0 && l instanceof InputLayer));
  }

  /** Appends a layer (or an `Input()` tensor as the first item) and rebuilds when it can. */
  add(layer: Layer | SymbolicTensor): void {
    const added = this.#push(layer);
    try {
      this.#rebuild();
    } catch (e) {
      for (const l of added) this.#remove(l);
      this.#rebuild();
      throw e;
    }
  }

  /** Removes and returns the last layer. */
  pop(): Layer {
    if (this.layers.length === 0) {
      throw new RangeError(`Sequential model "${this.name}" has no layers to pop`);
    }
    const layer = this.#stack[this.#stack.length - 1];
    this.#remove(layer);
    this.#rebuild();
    return layer;
  }

  #remove(layer: Layer): void {
    const i = this.#stack.lastIndexOf(layer);
    if (i >= 0) this.#stack.splice(i, 1);
    if (layer.parent === this) layer.parent = null;
  }

  #push(item: Layer | SymbolicTensor): Layer[] {
    let layer: unknown = item;
    if (item instanceof SymbolicTensor) {
      layer = item.node.layer;
      if (!(layer instanceof InputLayer)) {
        throw new TypeError(
          `Sequential model "${this.name}": only Input() tensors can be added, but ${item} comes from layer "${
            (layer as Layer).name
          }"`,
        );
      }
    }
    if (!(layer instanceof Layer)) {
      throw new TypeError(
        `Only layers can be added to a Sequential model. Received: ${String(layer)}`,
      );
    }
    const needsInput = this.#stack.length === 0 && !(layer instanceof InputLayer) &&
      layer.batchInputShape !== null;
    if (this.#stack.some((l) => l.name === layer.name)) {
      throw new TypeError(
        `All layers added to a Sequential model should have unique names. Name "${layer.name}" is ` +
          "already the name of a layer in this model. Update the `name` argument to pass a unique name.",
      );
    }
    if (layer instanceof InputLayer && this.#stack.length > 0) {
      const first = this.#stack[0];
      throw new TypeError(
        first instanceof InputLayer
          ? `Sequential model "${this.name}" has already been configured to use input shape ${
            shapeToString(first.batchShape)
          }. You cannot add a different Input layer to it.`
          : `Sequential model "${this.name}": an Input layer can only come first`,
      );
    }
    const added: Layer[] = [];
    if (needsInput) {
      const input = new InputLayer({ batchShape: layer.batchInputShape! });
      input.parent = this;
      this.#stack.push(input);
      added.push(input);
    }
    layer.parent = this;
    this.#stack.push(layer);
    added.push(layer);
    return added;
  }

  #rebuild(): void {
    this.clearGraph();
    const first = this.#stack[0];
    if (first instanceof InputLayer && this.#stack.length > 1) this.#buildFrom(first);
  }

  #buildFrom(input: InputLayer): void {
    let x: Nested<SymbolicTensor> = input.output;
    const rest = this.#stack.slice(1);
    rest.forEach((layer, i) => {
      if (!(x instanceof SymbolicTensor)) {
        throw new TypeError(
          `Layers in a Sequential model must have one output, but layer "${
            rest[i - 1].name
          }" returns ${(x as unknown[]).length}; only the last layer may return several`,
        );
      }
      x = layer.apply(x);
    });
    this.setGraph(input.output, x);
  }

  /**
   * Builds the model for inputs of this full shape (batch first), adding an InputLayer when there
   * is none (Keras's `Sequential.build(input_shape)`).
   */
  override build(inputShapes: readonly Shape[]): void {
    const shape = inputShapes[0];
    if (!shape) throw new TypeError(`Sequential model "${this.name}": build() needs a shape`);
    if (this.#stack.length === 0) {
      throw new TypeError(`Sequential model "${this.name}" has no layers to build`);
    }
    const first = this.#stack[0];
    if (first instanceof InputLayer) {
      if (!sameShape(first.batchShape, shape)) {
        throw new TypeError(
          `Sequential model "${this.name}" has already been configured to use input shape ${
            shapeToString(first.batchShape)
          }. You cannot build it with input shape ${shapeToString(shape)}.`,
        );
      }
      this.#rebuild();
      return;
    }
    this.#buildWithInput(new InputLayer({ batchShape: shape }));
  }

  #buildWithInput(input: InputLayer): void {
    input.parent = this;
    this.#stack.unshift(input);
    try {
      this.#rebuild();
    } catch (e) {
      this.#remove(input);
      throw e;
    }
  }

  /** Builds from the first data when no input shape was given. */
  protected override prepareFor(inputs: readonly Tensor[]): void {
    if (this.graph) return;
    const x = inputs[0];
    if (this.layers.length === 0 || !x || this.#stack[0] instanceof InputLayer) {
      super.prepareFor(inputs);
      return;
    }
    this.#buildWithInput(
      new InputLayer({ batchShape: [null, ...x.shape.slice(1)], dtype: x.dtype }),
    );
  }

  /** The summary lists the layers without the InputLayer, in three columns. */
  protected override summaryPlan(): SummaryPlan {
    return { layers: this.layers, sequentialLike: true, graph: null };
  }

  /** Keras 3's Sequential config: `{name, trainable, dtype, layers, build_input_shape}`. */
  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      name: this.name,
      trainable: this.trainable,
      dtype: dtypePolicyConfig(),
      layers: this.#stack.map((l) => serializeLayer(l)),
    };
    const first = this.#stack[0];
    if (this.graph && first instanceof InputLayer) config.build_input_shape = [...first.batchShape];
    return config;
  }

  /** `{input_shape}` once built. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    const first = this.#stack[0];
    return this.graph && first instanceof InputLayer
      ? { input_shape: [...first.batchShape] }
      : undefined;
  }
}
