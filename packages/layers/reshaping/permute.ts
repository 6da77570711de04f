import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";

/**
 * `x` with its axes reordered: output axis `i` is input axis `axes[i]` (a full permutation).
 * Copies once, walking the output in order.
 */
export function transpose(x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.shape.length;
  const outShape = axes.map((a) => x.shape[a]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= x.shape[d];
  }
  const strides = axes.map((a) => inStrides[a]);
  const src = x.data;
  const out = new (src.constructor as Float32ArrayConstructor)(src.length);
  const pos = new Array<number>(rank).fill(0);
  let from = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      pos[d]++;
      from += strides[d];
      if (pos[d] < outShape[d]) break;
      from -= strides[d] * pos[d];
      pos[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/**
 * Keras `Permute(dims)`: reorders the axes of each sample; `dims` numbers them from 1 (the batch
 * axis stays first), so `Permute([2, 1])` swaps time and features. No weights; a mask is dropped.
 *
 * @example
 * ```ts
 * import { Permute } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Permute([2, 1]).apply(tensor([[[1, 2], [3, 4]]])); // [[[1, 3], [2, 4]]]
 * ```
 */
export class Permute extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Permute";
  /** The new order of the sample axes, numbered from 1. */
  readonly dims: readonly number[];

  /** Creates the layer; `dims` must be a permutation of 1…n. */
  constructor(dims: readonly number[], options: LayerOptions = {}) {
    super(options);
    const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
    if (sorted.length === 0 || sorted.some((d, i) => d !== i + 1)) {
      throw new RangeError(
        `Permute layer "${this.name}": dims must hold each of 1…n once (the batch axis is not numbered), received ${
          JSON.stringify(dims)
        }`,
      );
    }
    this.dims = [...dims];
    this.inputSpec = { ndim: dims.length + 1 };
  }

  /** `(batch, input[dims[0]], input[dims[1]], …)`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    return [[shape[0], ...this.dims.map((d) => shape[d])]];
  }

  /** The transposed copy. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    return [transpose(inputs[0], [0, ...this.dims])];
  }

  /** Keras 3 config: the base keys and `dims`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }

  /** Builds a Permute from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Permute {
    const r = new ConfigReader("Permute", config, options);
    const layer = new Permute(r.raw("dims") as number[], r.baseOptions());
    r.done();
    return layer;
  }
}

registerLayer("Permute", (config, options) => Permute.fromConfig(config, options));
