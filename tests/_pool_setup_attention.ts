/**
 * A second pool setup module for `keras_layers_pool_test.ts`: the guide's `DotAttention` in place
 * of Kerno's built-in `Attention` (for the `attention_dot` case's file).
 *
 * @module
 */
import type { LayerFactory } from "@kerno/layers";
import { DotAttention } from "../docs/examples/10_custom_layer.ts";

/** `Attention` is built as `DotAttention`. */
export const customObjects: Record<string, LayerFactory> = {
  Attention: (config, options) => DotAttention.fromConfig(config, options),
};
