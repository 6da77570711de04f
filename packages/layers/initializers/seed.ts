import { Random } from "@kerno/tensor";

const DEFAULT_SEED = 1337;
let stream = new Random(DEFAULT_SEED);

/**
 * Restarts the process-wide stream that unseeded initializers (`seed: null`) draw their seeds
 * from, as `keras.utils.set_random_seed` does. Runs that build the same layers in the same order
 * after the same seed get the same initial weights.
 *
 * @example
 * ```ts
 * import { setInitializerSeed } from "@kerno/layers";
 * setInitializerSeed(42);
 * ```
 */
export function setInitializerSeed(seed: number): void {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`setInitializerSeed: expected an integer seed, received ${seed}`);
  }
  stream = new Random(seed);
}

/** The next seed of the process-wide stream (an integer in [0, 2³¹)). */
export function nextDefaultSeed(): number {
  return Math.floor(stream.next() * 2147483648);
}
