import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";

/** Options of {@linkcode Flatten}. */
export interface FlattenOptions extends LayerOptions {
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string;
}

/**
 * Keras `Flatten`: turns each sample into one vector, `[batch, a, b, …]` → `[batch, a·b·…]`, in
 * row-major order (no copy). Only `data_format="channels_last"` is supported. No weights; a mask
 * is dropped.
 *
 * @example
 * ```ts
 * import { Flatten } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Flatten().apply(tensor([[[1, 2], [3, 4]]])); // [[1, 2, 3, 4]]
 * ```
 */
export class Flatten extends Layer {
  /** Keras class name. */
  static override readonly className: string = "Flatten";
  /** Always `"channels_last"`. */
  readonly dataFormat: string;

  /** Creates the layer; `channels_first` is refused. */
  constructor(options: FlattenOptions = {}) {
    super(options);
    const format = options.dataFormat ?? "channels_last";
    if (format !== "channels_last") {
      throw new TypeError(
        `Flatten layer "${this.name}": data_format="${format}" is not supported (only channels_last)`,
      );
    }
    this.dataFormat = format;
    this.inputSpec = { minNdim: 1 };
  }

  /** `(batch, product of the other sizes)`, unknown when one of them is. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const [b, ...rest] = inputShapes[0];
    const size = rest.includes(null) ? null : (rest as number[]).reduce((a, d) => a * d, 1);
    return [[b, size]];
  }

  /** The same values as `[batch, rest]` (no copy). */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = inputs[0];
    const b = x.shape[0];
    return [new Tensor(x.data, [b, b === 0 ? 0 : x.size / b])];
  }

  /** Keras 3 config: the base keys and `data_format`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  /** Builds a Flatten from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Flatten {
    const r = new ConfigReader("Flatten", config, options);
    const layer = new Flatten({
      ...r.baseOptions(),
      dataFormat: r.string("data_format", "channels_last"),
    });
    r.done();
    return layer;
  }
}

registerLayer("Flatten", (config, options) => Flatten.fromConfig(config, options));
