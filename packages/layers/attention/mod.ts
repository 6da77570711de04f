/**
 * The attention layers: `Attention` (dot or concat scores), `AdditiveAttention` and
 * `MultiHeadAttention`, with Keras's masks and call arguments (`return_attention_scores`,
 * `use_causal_mask`). Importing this module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { MultiHeadAttention } from "@kerno/layers";
 * const mha = new MultiHeadAttention(2, 4);
 * ```
 *
 * @module
 */
export * from "./attention.ts";
export * from "./additive_attention.ts";
export * from "./multi_head_attention.ts";
