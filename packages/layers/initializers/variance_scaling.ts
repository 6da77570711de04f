import { computeFans } from "./fans.ts";
import {
  fillNormal,
  fillTruncatedNormal,
  fillUniform,
  RandomInitializer,
  type RandomInitializerOptions,
} from "./random.ts";

/** How {@linkcode VarianceScaling} counts units: inputs, outputs, or their mean. */
export type FanMode = "fan_in" | "fan_out" | "fan_avg";

/** The distribution {@linkcode VarianceScaling} draws from. */
export type VarianceDistribution = "truncated_normal" | "untruncated_normal" | "uniform";

/** Options of the fan-based initializers (Glorot, He, Lecun). */
export interface FanOptions extends RandomInitializerOptions {
  /** Axes whose dimensions multiply to the fan-in (Keras 3's `input_axes`); null = default. */
  inputAxes?: readonly number[] | null;
  /** Axes whose dimensions multiply to the fan-out (Keras 3's `output_axes`); null = default. */
  outputAxes?: readonly number[] | null;
}

/** Options of {@linkcode VarianceScaling}. */
export interface VarianceScalingOptions extends FanOptions {
  /** Scaling factor, positive (default 1). */
  scale?: number;
  /** Which fan divides the scale (default `fan_in`). */
  mode?: FanMode;
  /** Distribution (default `truncated_normal`; `normal` is read as `truncated_normal`). */
  distribution?: VarianceDistribution | "normal";
}

const MODES = ["fan_in", "fan_out", "fan_avg"];
const DISTRIBUTIONS = ["truncated_normal", "untruncated_normal", "uniform"];

/**
 * Keras `VarianceScaling`: values whose variance is `scale / n`, n being the fan-in, fan-out or
 * their mean (see `computeFans`). Uniform draws use `limit = sqrt(3·scale/n)`; truncated normal
 * draws use `stddev = sqrt(scale/n) / 0.8796…` so the variance after truncation is right.
 *
 * @example
 * ```ts
 * import { VarianceScaling } from "@kerno/layers";
 * const init = new VarianceScaling({ scale: 2, mode: "fan_in", distribution: "uniform", seed: 3 });
 * const w = init.generate([16, 8]); // uniform in ±sqrt(6/16)
 * ```
 */
export class VarianceScaling extends RandomInitializer {
  /** Keras class name. */
  readonly className: string = "VarianceScaling";
  /** Scaling factor. */
  readonly scale: number;
  /** Fan mode. */
  readonly mode: FanMode;
  /** Distribution. */
  readonly distribution: VarianceDistribution;
  /** Explicit fan-in axes, or null. */
  readonly inputAxes: readonly number[] | null;
  /** Explicit fan-out axes, or null. */
  readonly outputAxes: readonly number[] | null;

  /** Creates the initializer; a bad scale, mode or distribution is refused. */
  constructor(options: VarianceScalingOptions = {}) {
    super(options);
    const scale = options.scale ?? 1;
    if (!(scale > 0)) {
      throw new RangeError(`VarianceScaling: scale must be a positive number, received ${scale}`);
    }
    const mode = options.mode ?? "fan_in";
    if (!MODES.includes(mode)) {
      throw new RangeError(
        `VarianceScaling: mode must be one of ${MODES.join(", ")}, received "${mode}"`,
      );
    }
    let distribution: string = (options.distribution ?? "truncated_normal").toLowerCase();
    if (distribution === "normal") distribution = "truncated_normal";
    if (!DISTRIBUTIONS.includes(distribution)) {
      throw new RangeError(
        `VarianceScaling: distribution must be one of ${
          DISTRIBUTIONS.join(", ")
        }, received "${options.distribution}"`,
      );
    }
    this.scale = scale;
    this.mode = mode;
    this.distribution = distribution as VarianceDistribution;
    this.inputAxes = options.inputAxes ? [...options.inputAxes] : null;
    this.outputAxes = options.outputAxes ? [...options.outputAxes] : null;
  }

  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const n = this.mode === "fan_in"
      ? fanIn
      : this.mode === "fan_out"
      ? fanOut
      : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, n);
    let size = 1;
    for (const d of shape) size *= d;
    const rng = this.rng();
    if (this.distribution === "truncated_normal") {
      return fillTruncatedNormal(rng, size, 0, Math.sqrt(scale) / 0.87962566103423978);
    }
    if (this.distribution === "untruncated_normal") {
      return fillNormal(rng, size, 0, Math.sqrt(scale));
    }
    const limit = Math.sqrt(3 * scale);
    return fillUniform(rng, size, -limit, limit);
  }

  /** Keras config: `{seed, scale, mode, distribution, input_axes, output_axes}`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      input_axes: this.inputAxes ? [...this.inputAxes] : null,
      output_axes: this.outputAxes ? [...this.outputAxes] : null,
    };
  }
}

/**
 * Base of the named {@linkcode VarianceScaling} presets (Glorot, He, Lecun), whose Keras config
 * is only `{seed, input_axes, output_axes}`.
 */
export abstract class VarianceScalingPreset extends VarianceScaling {
  /** Keras config: `{seed, input_axes, output_axes}`. */
  override getConfig(): Record<string, unknown> {
    return {
      seed: this.seed,
      input_axes: this.inputAxes ? [...this.inputAxes] : null,
      output_axes: this.outputAxes ? [...this.outputAxes] : null,
    };
  }
}

/**
 * Keras `GlorotUniform` (Xavier): uniform in ±sqrt(6 / (fan_in + fan_out)). The default kernel
 * initializer of Dense and the recurrent layers.
 *
 * @example
 * ```ts
 * import { GlorotUniform } from "@kerno/layers";
 * const w = new GlorotUniform({ seed: 1 }).generate([3, 4]); // in ±sqrt(6/7)
 * ```
 */
export class GlorotUniform extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "GlorotUniform";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 1, mode: "fan_avg", distribution: "uniform" });
  }
}

/**
 * Keras `GlorotNormal`: truncated normal with stddev sqrt(2 / (fan_in + fan_out)).
 *
 * @example
 * ```ts
 * import { GlorotNormal } from "@kerno/layers";
 * const w = new GlorotNormal({ seed: 1 }).generate([3, 4]);
 * ```
 */
export class GlorotNormal extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "GlorotNormal";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 1, mode: "fan_avg", distribution: "truncated_normal" });
  }
}

/**
 * Keras `HeUniform`: uniform in ±sqrt(6 / fan_in).
 *
 * @example
 * ```ts
 * import { HeUniform } from "@kerno/layers";
 * const w = new HeUniform({ seed: 1 }).generate([3, 4]);
 * ```
 */
export class HeUniform extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "HeUniform";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 2, mode: "fan_in", distribution: "uniform" });
  }
}

/**
 * Keras `HeNormal`: truncated normal with stddev sqrt(2 / fan_in).
 *
 * @example
 * ```ts
 * import { HeNormal } from "@kerno/layers";
 * const w = new HeNormal({ seed: 1 }).generate([3, 4]);
 * ```
 */
export class HeNormal extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "HeNormal";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 2, mode: "fan_in", distribution: "truncated_normal" });
  }
}

/**
 * Keras `LecunUniform`: uniform in ±sqrt(3 / fan_in).
 *
 * @example
 * ```ts
 * import { LecunUniform } from "@kerno/layers";
 * const w = new LecunUniform({ seed: 1 }).generate([3, 4]);
 * ```
 */
export class LecunUniform extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "LecunUniform";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 1, mode: "fan_in", distribution: "uniform" });
  }
}

/**
 * Keras `LecunNormal`: truncated normal with stddev sqrt(1 / fan_in).
 *
 * @example
 * ```ts
 * import { LecunNormal } from "@kerno/layers";
 * const w = new LecunNormal({ seed: 1 }).generate([3, 4]);
 * ```
 */
export class LecunNormal extends VarianceScalingPreset {
  /** Keras class name. */
  override readonly className: string = "LecunNormal";
  /** Creates the initializer. */
  constructor(options: FanOptions = {}) {
    super({ ...options, scale: 1, mode: "fan_in", distribution: "truncated_normal" });
  }
}
