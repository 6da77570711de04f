/**
 * The Keras pooling layers: `GlobalAveragePooling1D` (mask-aware) and `GlobalMaxPooling1D`.
 * Importing this module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { GlobalAveragePooling1D } from "@kerno/layers";
 * const pool = new GlobalAveragePooling1D({ keepdims: true }); // [b, t, f] -> [b, 1, f]
 * ```
 *
 * @module
 */
export * from "./global_pooling1d.ts";
