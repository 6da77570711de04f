/**
 * The non-recurrent Keras layers: `Dense`, `Activation`, `Dropout`, `Masking`, `Embedding`,
 * `TimeDistributed`, the merge layers (`Concatenate`, `Add`, `Subtract`, `Multiply`, `Average`,
 * `Maximum`, `Minimum`) and the operation layers Keras 3 writes into Functional configs for masks
 * (`NotEqual`, `Any`). Importing this module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { Dense, TimeDistributed } from "@kerno/layers";
 * const td = new TimeDistributed(new Dense(3, { activation: "softmax" }));
 * ```
 *
 * @module
 */
export * from "./dense.ts";
export * from "./activation.ts";
export * from "./dropout.ts";
export * from "./masking.ts";
export * from "./embedding.ts";
export * from "./time_distributed.ts";
export * from "./merge.ts";
export * from "./concatenate.ts";
export * from "./dot.ts";
export * from "./lambda.ts";
export * from "./not_equal.ts";
export * from "./any.ts";
