import { Tensor } from "@kerno/tensor";
import { type ActivationSpec, resolveActivation, type ResolvedActivation } from "../activations.ts";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { keras2HardSigmoidOf, readActivation } from "./_util.ts";

/** Options of {@linkcode Activation}. */
export interface ActivationOptions extends LayerOptions {
  /** Run `hard_sigmoid` as Keras 2 defined it (0.2x + 0.5); see `resolveActivation`. */
  keras2HardSigmoid?: boolean;
}

/**
 * Keras `Activation`: applies an activation function to its input (softmax and log_softmax over
 * the last axis). No weights; a mask passes through.
 *
 * @example
 * ```ts
 * import { Activation } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Activation("relu").apply(tensor([[-1, 2]])); // [[0, 2]]
 * ```
 */
export class Activation extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Activation";
  /** The activation (its Keras name and kernel). */
  readonly activation: ResolvedActivation;

  /** Creates the layer; an unknown activation name is refused. */
  constructor(activation: ActivationSpec, options: ActivationOptions = {}) {
    super(options);
    this.activation = resolveActivation(activation, {
      keras2HardSigmoid: options.keras2HardSigmoid,
    });
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** Applies the activation to a copy of the input. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = inputs[0];
    const out = Float32Array.from(x.data);
    const last = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1];
    if (out.length > 0) this.activation.fn(out, 0, out.length, last);
    return [new Tensor(out, x.shape)];
  }

  /** Keras 3 config: the base keys and `activation`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }

  /** Builds an Activation layer from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Activation {
    const r = new ConfigReader("Activation", config, options);
    const keras2 = keras2HardSigmoidOf(options);
    const layer = new Activation(readActivation(r, "activation", "linear", keras2).name, {
      ...r.baseOptions(),
      keras2HardSigmoid: keras2,
    });
    r.done();
    return layer;
  }
}

registerLayer("Activation", (config, options) => Activation.fromConfig(config, options));
