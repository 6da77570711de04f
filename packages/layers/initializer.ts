/**
 * Produces the starting values of a weight, as a Keras initializer does. Implementations live in
 * `initializers/`; this is the contract a layer relies on.
 */
export interface Initializer {
  /** Keras class name, e.g. `GlorotUniform`. */
  readonly className: string;
  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array;
  /** Keras config of the initializer (snake_case keys), e.g. `{seed: null}`. */
  getConfig(): Record<string, unknown>;
}
