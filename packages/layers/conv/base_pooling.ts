import { axisPadding, type ConvPadding, pool, type PoolGeometry, Tensor } from "@kerno/tensor";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { asFloat32 } from "../core/_util.ts";
import { checkDataFormat, toPadding, toTuple } from "./_args.ts";

/** Options of the pooling layers (Keras's arguments in camelCase). */
export interface PoolingOptions extends LayerOptions {
  /** Step between windows (default: the pool size). */
  strides?: number | number[] | null;
  /** `"valid"` (default) or `"same"`. */
  padding?: string;
  /** Only `"channels_last"` (the default) is supported. */
  dataFormat?: string | null;
}

/**
 * The pooling layers' common part (Keras's `BasePooling`), channels last: the max or the average
 * of each window; with `same` padding the average counts only the positions inside the input.
 * No weights. A mask does not pass through (as in Keras).
 */
export abstract class BasePooling extends Layer {
  /** Number of spatial axes. */
  readonly rank: number;
  /** `max` or `average`. */
  readonly mode: "max" | "average";
  /** Window size per spatial axis. */
  readonly poolSize: number[];
  /** Strides per spatial axis. */
  readonly strides: number[];
  /** Padding mode. */
  readonly padding: ConvPadding;

  /** Checks and stores the arguments. */
  constructor(
    rank: number,
    mode: "max" | "average",
    poolSize: number | number[],
    options: PoolingOptions = {},
  ) {
    super(options);
    const where = `${this.className} layer "${this.name}"`;
    this.rank = rank;
    this.mode = mode;
    this.poolSize = toTuple(where, "pool_size", poolSize, rank);
    this.strides = toTuple(where, "strides", options.strides ?? this.poolSize, rank);
    this.padding = toPadding(where, options.padding ?? "valid", false);
    checkDataFormat(where, options.dataFormat);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** `(batch, ...pooled spatial, channels)`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    const spatial = shape.slice(1, 1 + this.rank).map((n, i) =>
      axisPadding(n, this.poolSize[i], this.strides[i], 1, this.padding).out
    );
    return [[shape[0], ...spatial, shape[shape.length - 1]]];
  }

  /** Pools the whole batch in one pass. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const spatial = x.shape.slice(1, 1 + this.rank);
    const axes = spatial.map((n, i) =>
      axisPadding(n, this.poolSize[i], this.strides[i], 1, this.padding)
    );
    const outSpatial = axes.map((a) => a.out as number);
    if (outSpatial.some((n) => n <= 0)) {
      throw new RangeError(
        `${this.className} layer "${this.name}": input shape ${
          shapeToString(x.shape)
        } is too short for pool_size (${this.poolSize}) with padding "${this.padding}"`,
      );
    }
    const channels = x.shape[x.shape.length - 1];
    const g: PoolGeometry = {
      batch: x.shape[0],
      inSpatial: spatial,
      channels,
      window: this.poolSize,
      strides: this.strides,
      padBefore: axes.map((a) => a.before),
      outSpatial,
    };
    const out = new Float32Array(g.batch * outSpatial.reduce((a, b) => a * b, 1) * channels);
    pool(this.mode, g, x.f32, 0, out, 0);
    return [new Tensor(out, [g.batch, ...outSpatial, channels])];
  }

  /** Keras builds pooling layers at construction: no `build_config` in the config. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Keras 3 config: `pool_size`, `padding`, `strides`, `data_format`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      pool_size: this.poolSize,
      padding: this.padding,
      strides: this.strides,
      data_format: "channels_last",
    };
  }
}
