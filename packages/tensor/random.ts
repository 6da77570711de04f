/**
 * A small seeded pseudo-random generator: the same seed always gives the same sequence, on
 * every platform.
 *
 * Algorithm: **mulberry32** (Tommy Ettinger's 32-bit generator, period 2³²). The state is the
 * seed as an unsigned 32-bit integer (`seed >>> 0`); each step adds `0x6D2B79F5` to it and
 * mixes the result into a 32-bit output `u`, and `next()` returns `u / 2³²`. `normal()` uses the
 * Box–Muller transform on two draws `u1, u2`: `√(−2 ln(1 − u1)) · cos(2π u2)`, keeping the
 * matching sine value for the following call.
 *
 * @example
 * ```ts
 * import { Random } from "@kerno/tensor";
 * const rng = new Random(42);
 * const u = rng.uniform(-1, 1);
 * const z = rng.normal(0, 0.05);
 * ```
 */
export class Random {
  #state: number;
  #spare: number | null = null;

  /** Starts the sequence of `seed` (any finite number; only `seed >>> 0` matters). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`Random: seed must be a finite number, received ${seed}`);
    }
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned integer of the sequence. */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1), a multiple of 2⁻³². */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform number in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** A normal draw with the given mean and standard deviation (Box–Muller, in pairs). */
  normal(mean = 0, std = 1): number {
    let z: number;
    if (this.#spare !== null) {
      z = this.#spare;
      this.#spare = null;
    } else {
      const r = Math.sqrt(-2 * Math.log(1 - this.next()));
      const theta = 2 * Math.PI * this.next();
      z = r * Math.cos(theta);
      this.#spare = r * Math.sin(theta);
    }
    return mean + std * z;
  }
}
