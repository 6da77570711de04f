import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { asFloat32 } from "../core/_util.ts";
import { checkDataFormat } from "./_args.ts";

/** Options of {@linkcode GlobalAveragePooling2D}. */
export interface GlobalPooling2DOptions extends LayerOptions {
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string | null;
  /** Keep the pooled axes with size 1: `(batch, 1, 1, channels)` (default false). */
  keepdims?: boolean;
}

/**
 * Keras `GlobalAveragePooling2D`: the mean over rows and columns of `(batch, rows, cols,
 * channels)` inputs, `(batch, channels)` out (or `(batch, 1, 1, channels)` with `keepdims`).
 *
 * @example
 * ```ts
 * import { GlobalAveragePooling2D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const y = new GlobalAveragePooling2D().apply(Tensor.zeros([2, 4, 4, 3])) as Tensor; // [2, 3]
 * ```
 */
export class GlobalAveragePooling2D extends Layer {
  /** Keras class name. */
  static override readonly className: string = "GlobalAveragePooling2D";
  /** Whether the pooled axes are kept with size 1. */
  readonly keepdims: boolean;

  /** Checks the data format. */
  constructor(options: GlobalPooling2DOptions = {}) {
    super(options);
    checkDataFormat(`${this.className} layer "${this.name}"`, options.dataFormat);
    this.keepdims = options.keepdims ?? false;
    this.inputSpec = { ndim: 4 };
  }

  /** `(batch, channels)` or `(batch, 1, 1, channels)`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const s = inputShapes[0];
    return [this.keepdims ? [s[0], 1, 1, s[3]] : [s[0], s[3]]];
  }

  /** Sums each channel in double precision, rounds to float32, divides by rows·cols. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const [b, h, w, c] = x.shape;
    const n = h * w;
    const out = new Float32Array(b * c);
    const sums = new Float64Array(c);
    for (let i = 0; i < b; i++) {
      sums.fill(0);
      const base = i * n * c;
      for (let p = 0; p < n; p++) {
        for (let ch = 0; ch < c; ch++) sums[ch] += x.f32[base + p * c + ch];
      }
      for (let ch = 0; ch < c; ch++) out[i * c + ch] = Math.fround(sums[ch]) / n;
    }
    return [new Tensor(out, this.keepdims ? [b, 1, 1, c] : [b, c])];
  }

  /** Keras builds it at construction: no `build_config`. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Keras 3 config: `data_format`, `keepdims`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: "channels_last", keepdims: this.keepdims };
  }

  /** Builds the layer from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): GlobalAveragePooling2D {
    const r = new ConfigReader("GlobalAveragePooling2D", config, options);
    const layer = new GlobalAveragePooling2D({
      ...r.baseOptions(),
      dataFormat: r.raw("data_format") as string | null | undefined,
      keepdims: r.boolean("keepdims", false),
    });
    r.done();
    return layer;
  }
}

for (const name of ["GlobalAveragePooling2D", "GlobalAvgPool2D"]) {
  registerLayer(name, (config, options) => GlobalAveragePooling2D.fromConfig(config, options));
}
