/**
 * The Keras regularization layers that are identities at inference: `SpatialDropout1D`,
 * `GaussianNoise`, `GaussianDropout`, `AlphaDropout`, `ActivityRegularization` (`Dropout` lives
 * in `core/`). Importing this module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { SpatialDropout1D } from "@kerno/layers";
 * const drop = new SpatialDropout1D(0.3); // the identity in predict()
 * ```
 *
 * @module
 */
export * from "./identity_at_inference.ts";
