import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { asFloat32 } from "../core/_util.ts";

/** Options of {@linkcode GlobalAveragePooling1D} and {@linkcode GlobalMaxPooling1D}. */
export interface GlobalPooling1DOptions extends LayerOptions {
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string;
  /** Keep the time axis with size 1 (default false). */
  keepdims?: boolean;
}

/**
 * The shared part of the two 1D global poolings: config, output shape, no output mask, and the
 * call that hands `[batch, time, features]` to `pool`.
 */
export abstract class GlobalPooling1D extends Layer {
  /** Always `"channels_last"`. */
  readonly dataFormat: string;
  /** Whether the time axis is kept with size 1. */
  readonly keepdims: boolean;

  /** Sets the options; `channels_first` is refused. */
  constructor(options: GlobalPooling1DOptions) {
    super(options);
    const format = options.dataFormat ?? "channels_last";
    if (format !== "channels_last") {
      throw new TypeError(
        `${this.className} layer "${this.name}": data_format="${format}" is not supported (only channels_last)`,
      );
    }
    this.dataFormat = format;
    this.keepdims = options.keepdims ?? false;
    this.inputSpec = { ndim: 3 };
    this.built = true;
  }

  /** `(batch, features)`, or `(batch, 1, features)` with `keepdims`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const [b, , f] = inputShapes[0];
    return [this.keepdims ? [b, 1, f] : [b, f]];
  }

  /** The output never carries a mask. */
  override computeMask(): (Tensor | null)[] {
    return [null];
  }

  /** The output never carries a mask. */
  override outputsHaveMask(): boolean[] {
    return [false];
  }

  /** Pools `[batch, time, features]` over time; `mask` is `[batch, time]` or null. */
  protected abstract pool(
    src: Float32Array,
    out: Float32Array,
    b: number,
    t: number,
    f: number,
    mask: Tensor | null,
  ): void;

  /** Runs the pooling; a mask must be `[batch, time]`. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const [b, t, f] = x.shape;
    const mask = context.masks[0] ?? null;
    if (mask && (mask.shape.length !== 2 || mask.shape[0] !== b || mask.shape[1] !== t)) {
      throw new TypeError(
        `${this.className} layer "${this.name}": the mask ${
          shapeToString(mask.shape)
        } must be (batch, timesteps) = (${b}, ${t})`,
      );
    }
    const out = new Float32Array(b * f);
    this.pool(x.f32, out, b, t, f, mask);
    return [new Tensor(out, this.keepdims ? [b, 1, f] : [b, f])];
  }

  /** Keras 3 config: the base keys, `data_format`, `keepdims`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
}

function readOptions(r: ConfigReader): GlobalPooling1DOptions {
  return {
    ...r.baseOptions(),
    dataFormat: r.string("data_format", "channels_last"),
    keepdims: r.boolean("keepdims", false),
  };
}

/**
 * Keras `GlobalAveragePooling1D`: the mean over time of `[batch, time, features]`. With a mask
 * (e.g. from `Embedding(mask_zero)`) it averages only the unmasked steps, as Keras does (a row
 * with every step masked gives 0/0 = NaN, as in Keras). The output carries no mask.
 *
 * @example
 * ```ts
 * import { GlobalAveragePooling1D } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new GlobalAveragePooling1D().apply(tensor([[[1], [3]]])); // [[2]]
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;

  /** Keras class name. */
  static override readonly className: string = "GlobalAveragePooling1D";

  /** Creates the layer. */
  constructor(options: GlobalPooling1DOptions = {}) {
    super(options);
    this.supportsMasking = true;
  }

  /** Mean over the (unmasked) steps, summed in float64 and rounded once. */
  protected pool(
    src: Float32Array,
    out: Float32Array,
    b: number,
    t: number,
    f: number,
    mask: Tensor | null,
  ): void {
    const m = mask?.data;
    const sums = new Float64Array(f);
    for (let r = 0; r < b; r++) {
      sums.fill(0);
      let count = 0;
      for (let s = 0; s < t; s++) {
        if (m && !m[r * t + s]) continue;
        count++;
        const o = (r * t + s) * f;
        for (let j = 0; j < f; j++) sums[j] += src[o + j];
      }
      const n = m ? count : t;
      for (let j = 0; j < f; j++) out[r * f + j] = Math.fround(sums[j]) / n;
    }
  }

  /** Builds a GlobalAveragePooling1D from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GlobalAveragePooling1D {
    const r = new ConfigReader("GlobalAveragePooling1D", config, options);
    const layer = new GlobalAveragePooling1D(readOptions(r));
    r.done();
    return layer;
  }
}

/**
 * Keras `GlobalMaxPooling1D`: the maximum over time of `[batch, time, features]`. Like Keras 3,
 * it ignores a mask: masked steps take part in the maximum. The output carries no mask.
 *
 * @example
 * ```ts
 * import { GlobalMaxPooling1D } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new GlobalMaxPooling1D().apply(tensor([[[1], [3]]])); // [[3]]
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  /** Keras class name. */
  static override readonly className: string = "GlobalMaxPooling1D";

  /** Creates the layer. */
  constructor(options: GlobalPooling1DOptions = {}) {
    super(options);
  }

  /** Maximum over every step (NaN propagates, as numpy's max). */
  protected pool(src: Float32Array, out: Float32Array, b: number, t: number, f: number): void {
    for (let r = 0; r < b; r++) {
      for (let j = 0; j < f; j++) {
        let max = -Infinity;
        for (let s = 0; s < t; s++) {
          const v = src[(r * t + s) * f + j];
          if (v > max || Number.isNaN(v)) max = v;
          if (Number.isNaN(max)) break;
        }
        out[r * f + j] = max;
      }
    }
  }

  /** Builds a GlobalMaxPooling1D from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GlobalMaxPooling1D {
    const r = new ConfigReader("GlobalMaxPooling1D", config, options);
    const layer = new GlobalMaxPooling1D(readOptions(r));
    r.done();
    return layer;
  }
}

registerLayer(
  "GlobalAveragePooling1D",
  (config, options) => GlobalAveragePooling1D.fromConfig(config, options),
);
registerLayer(
  "GlobalMaxPooling1D",
  (config, options) => GlobalMaxPooling1D.fromConfig(config, options),
);
