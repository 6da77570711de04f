import { Tensor } from "@kerno/tensor";
import { type CallContext, Layer, type ShapeContext } from "../layer.ts";
import type { Shape } from "../shape.ts";
import { asFloat32 } from "../core/_util.ts";

/**
 * The base of the activation layers without weights (LeakyReLU, ReLU, ELU): built at creation,
 * output shape = input shape, a mask passes through, and `call` maps every value with `map`.
 *
 * @example
 * ```ts
 * import { ElementwiseActivation } from "@kerno/layers";
 * class Square extends ElementwiseActivation {
 *   static override readonly className = "Square";
 *   constructor() {
 *     super();
 *     this.init();
 *   }
 *   protected map(x: number): number {
 *     return Math.fround(x * x);
 *   }
 * }
 * ```
 */
export abstract class ElementwiseActivation extends Layer {
  /** The function applied to each float32 value; returns the float32 result. */
  protected abstract map(x: number): number;

  /** Marks the layer built (Keras builds these at creation) and mask-transparent. */
  protected init(): void {
    this.supportsMasking = true;
    this.built = true;
  }

  /** The input shape, unchanged. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    return [inputShapes[0]];
  }

  /** Maps every value. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const src = x.f32;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = this.map(src[i]);
    return [new Tensor(out, x.shape)];
  }
}
