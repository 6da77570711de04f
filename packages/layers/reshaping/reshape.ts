import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";

/**
 * The shape `target` gives to a sample of shape `sample` (no batch axis), as Keras's
 * `compute_reshape_output_shape` does: a `-1` is resolved when every size is known, else it
 * stays unknown (`null`). A size mismatch is refused with `where` in the message.
 */
export function resolveReshape(sample: Shape, target: readonly number[], where: string): Shape {
  if (sample.includes(null)) return target.map((d) => d === -1 ? null : d);
  const inputSize = (sample as number[]).reduce((a, d) => a * d, 1);
  const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const unknown = target.indexOf(-1);
  if (unknown < 0) {
    if (known !== inputSize) {
      throw new RangeError(
        `${where}: the total size must be unchanged, but the input sample ${
          shapeToString(sample)
        } has ${inputSize} values and target_shape ${shapeToString(target)} has ${known}`,
      );
    }
    return [...target];
  }
  if (known === 0 || inputSize % known !== 0) {
    throw new RangeError(
      `${where}: the input sample ${shapeToString(sample)} (${inputSize} values) cannot be ` +
        `divided by the known sizes of target_shape ${shapeToString(target)}`,
    );
  }
  return target.map((d) => d === -1 ? inputSize / known : d);
}

/**
 * Keras `Reshape(targetShape)`: gives each sample a new shape with the same values in the same
 * (row-major) order — it never transposes. One size may be `-1` (inferred). The batch axis is
 * kept. No weights; a mask is dropped.
 *
 * @example
 * ```ts
 * import { Reshape } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Reshape([2, -1]).apply(tensor([[1, 2, 3, 4]])); // [[[1, 2], [3, 4]]]
 * ```
 */
export class Reshape extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Reshape";
  /** The shape of one output sample; at most one `-1`. */
  readonly targetShape: readonly number[];

  /** Creates the layer; sizes must be non-negative integers or a single `-1`. */
  constructor(targetShape: readonly number[], options: LayerOptions = {}) {
    super(options);
    if (!Array.isArray(targetShape)) {
      throw new TypeError(
        `Reshape layer "${this.name}": target_shape must be a list of integers, received ${
          JSON.stringify(targetShape)
        }`,
      );
    }
    for (const d of targetShape) {
      if (!Number.isInteger(d) || d < -1) {
        throw new RangeError(
          `Reshape layer "${this.name}": each size of target_shape must be a non-negative integer or -1, received ${
            JSON.stringify(targetShape)
          }`,
        );
      }
    }
    if (targetShape.filter((d) => d === -1).length > 1) {
      throw new RangeError(
        `Reshape layer "${this.name}": target_shape may hold at most one -1, received ${
          JSON.stringify(targetShape)
        }`,
      );
    }
    this.targetShape = [...targetShape];
    this.built = true;
  }

  /** `(batch, …target_shape)`, with `-1` resolved when the input sizes are known. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    const where = `Reshape layer "${this.name}"`;
    return [[shape[0], ...resolveReshape(shape.slice(1), this.targetShape, where)]];
  }

  /** The same values under the new shape (no copy). */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = inputs[0];
    const where = `Reshape layer "${this.name}"`;
    const sample = resolveReshape(x.shape.slice(1), this.targetShape, where) as number[];
    return [new Tensor(x.data, [x.shape[0], ...sample])];
  }

  /** Keras 3 config: the base keys and `target_shape`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  /** Builds a Reshape from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Reshape {
    const r = new ConfigReader("Reshape", config, options);
    const layer = new Reshape(r.raw("target_shape") as number[], r.baseOptions());
    r.done();
    return layer;
  }
}

registerLayer("Reshape", (config, options) => Reshape.fromConfig(config, options));
