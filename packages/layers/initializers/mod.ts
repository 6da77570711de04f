/**
 * Keras initializers: the classes (`GlorotUniform`, `Orthogonal`, `Zeros`, …), the resolver that
 * reads them from names and configs, and the process-wide seed of unseeded ones.
 *
 * @example
 * ```ts
 * import { getInitializer, serializeInitializer } from "@kerno/layers";
 * const init = getInitializer("orthogonal");
 * serializeInitializer(init).config; // { seed: null, gain: 1 }
 * ```
 *
 * @module
 */
export * from "./fans.ts";
export * from "./seed.ts";
export * from "./constant.ts";
export * from "./random.ts";
export * from "./variance_scaling.ts";
export * from "./orthogonal.ts";
export * from "./get.ts";
