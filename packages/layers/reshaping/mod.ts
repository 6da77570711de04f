/**
 * The Keras reshaping layers: `RepeatVector`, `Reshape`, `Flatten`, `Permute`. Importing this
 * module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { RepeatVector } from "@kerno/layers";
 * const bridge = new RepeatVector(5); // [batch, 4] -> [batch, 5, 4]
 * ```
 *
 * @module
 */
export * from "./repeat_vector.ts";
export * from "./reshape.ts";
export * from "./flatten.ts";
export * from "./permute.ts";
