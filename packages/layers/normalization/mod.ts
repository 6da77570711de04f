/**
 * The Keras normalization layers: `BatchNormalization` (inference: moving statistics) and
 * `LayerNormalization`. Importing this module registers both classes for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { BatchNormalization, LayerNormalization } from "@kerno/layers";
 * const bn = new BatchNormalization({ epsilon: 1e-3 });
 * const ln = new LayerNormalization({ axis: -1 });
 * ```
 *
 * @module
 */
export * from "./batch_normalization.ts";
export * from "./layer_normalization.ts";
