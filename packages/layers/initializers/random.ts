import { Random } from "@kerno/tensor";
import type { Initializer } from "../initializer.ts";
import { nextDefaultSeed } from "./seed.ts";

/** The seed options every random initializer takes. */
export interface RandomInitializerOptions {
  /** Integer seed written to the config; `null` (the default) means unseeded. */
  seed?: number | null;
  /**
   * Seed used when `seed` is null; it is not written to the config. By default one is drawn
   * from the process-wide stream (see `setInitializerSeed`).
   */
  defaultSeed?: number;
}

/**
 * Base of the random initializers. As in Keras, an instance produces the same values at every
 * call: an unseeded one fixes its seed when it is created.
 */
export abstract class RandomInitializer implements Initializer {
  /** Keras class name. */
  abstract readonly className: string;
  /** The configured seed (`null` when unseeded). */
  readonly seed: number | null;
  readonly #effectiveSeed: number;

  /** Fixes the seed: the configured one, else `defaultSeed`, else the next process-wide seed. */
  constructor(options: RandomInitializerOptions = {}) {
    const seed = options.seed ?? null;
    if (seed !== null && !Number.isInteger(seed)) {
      throw new TypeError(`Initializer seed must be an integer or null, received ${seed}`);
    }
    this.seed = seed;
    this.#effectiveSeed = seed ?? options.defaultSeed ?? nextDefaultSeed();
  }

  /** A fresh generator at this initializer's seed. */
  protected rng(): Random {
    return new Random(this.#effectiveSeed);
  }

  /** Fills a new float32 array for a weight of `shape`. */
  abstract generate(shape: readonly number[]): Float32Array;

  /** Keras config: `{seed}`. */
  getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/** Fills `n` values uniform in [lo, hi). */
export function fillUniform(rng: Random, n: number, lo: number, hi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** Fills `n` normal values. */
export function fillNormal(rng: Random, n: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal(mean, std);
  return out;
}

/** Fills `n` normal values, redrawing any more than two standard deviations from the mean. */
export function fillTruncatedNormal(
  rng: Random,
  n: number,
  mean: number,
  std: number,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z: number;
    do z = rng.normal(0, 1); while (z < -2 || z > 2);
    out[i] = mean + std * z;
  }
  return out;
}

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Options of {@linkcode RandomNormal} and {@linkcode TruncatedNormal}. */
export interface NormalOptions extends RandomInitializerOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation (default 0.05). */
  stddev?: number;
}

/**
 * Keras `RandomNormal`: values from N(mean, stddev²).
 *
 * @example
 * ```ts
 * import { RandomNormal } from "@kerno/layers";
 * const w = new RandomNormal({ stddev: 0.1, seed: 1 }).generate([3, 4]);
 * ```
 */
export class RandomNormal extends RandomInitializer {
  /** Keras class name. */
  readonly className: string = "RandomNormal";
  /** Mean. */
  readonly mean: number;
  /** Standard deviation. */
  readonly stddev: number;

  /** Creates the initializer (defaults as Keras: mean 0, stddev 0.05). */
  constructor(options: NormalOptions = {}) {
    super(options);
    this.mean = options.mean ?? 0;
    this.stddev = options.stddev ?? 0.05;
  }

  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return fillNormal(this.rng(), size(shape), this.mean, this.stddev);
  }

  /** Keras config: `{seed, mean, stddev}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/**
 * Keras `TruncatedNormal`: normal values, redrawn when more than two standard deviations away
 * from the mean.
 *
 * @example
 * ```ts
 * import { TruncatedNormal } from "@kerno/layers";
 * const w = new TruncatedNormal({ stddev: 1, seed: 1 }).generate([100]); // all in [-2, 2]
 * ```
 */
export class TruncatedNormal extends RandomInitializer {
  /** Keras class name. */
  readonly className: string = "TruncatedNormal";
  /** Mean. */
  readonly mean: number;
  /** Standard deviation before truncation. */
  readonly stddev: number;

  /** Creates the initializer (defaults as Keras: mean 0, stddev 0.05). */
  constructor(options: NormalOptions = {}) {
    super(options);
    this.mean = options.mean ?? 0;
    this.stddev = options.stddev ?? 0.05;
  }

  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return fillTruncatedNormal(this.rng(), size(shape), this.mean, this.stddev);
  }

  /** Keras config: `{seed, mean, stddev}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/** Options of {@linkcode RandomUniform}. */
export interface UniformOptions extends RandomInitializerOptions {
  /** Lower bound, inclusive (default -0.05). */
  minval?: number;
  /** Upper bound, exclusive (default 0.05). */
  maxval?: number;
}

/**
 * Keras `RandomUniform`: values uniform in [minval, maxval).
 *
 * @example
 * ```ts
 * import { RandomUniform } from "@kerno/layers";
 * const w = new RandomUniform({ minval: -1, maxval: 1, seed: 7 }).generate([10, 4]);
 * ```
 */
export class RandomUniform extends RandomInitializer {
  /** Keras class name. */
  readonly className: string = "RandomUniform";
  /** Lower bound. */
  readonly minval: number;
  /** Upper bound. */
  readonly maxval: number;

  /** Creates the initializer (defaults as Keras: [-0.05, 0.05)). */
  constructor(options: UniformOptions = {}) {
    super(options);
    this.minval = options.minval ?? -0.05;
    this.maxval = options.maxval ?? 0.05;
  }

  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return fillUniform(this.rng(), size(shape), this.minval, this.maxval);
  }

  /** Keras config: `{seed, minval, maxval}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}
