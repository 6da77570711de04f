/**
 * `@kerno/layers`: Keras 3 layers in TypeScript — the {@linkcode Layer} base, the recurrent
 * layers and cells, the core layers, initializers, activations, and the class registry that
 * reads and writes Keras configs. No npm dependencies.
 *
 * @module
 */
export * from "./shape.ts";
export * from "./variable.ts";
export * from "./symbolic.ts";
export * from "./initializer.ts";
export * from "./naming.ts";
export * from "./layer.ts";
export * from "./registry.ts";
export * from "./config_reader.ts";
export * from "./limits.ts";
export * from "./core/mod.ts";
export * from "./normalization/mod.ts";
export * from "./reshaping/mod.ts";
export * from "./pooling/mod.ts";
export * from "./activation_layers/mod.ts";
export * from "./regularization/mod.ts";
export * from "./rnn/mod.ts";
export * from "./conv/mod.ts";
export * from "./attention/mod.ts";
export * from "./initializers/mod.ts";
export * from "./activations.ts";
