/**
 * The Keras activation layers: `LeakyReLU`, `PReLU`, `ReLU`, `ELU`, `Softmax`. Importing this
 * module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { LeakyReLU, Softmax } from "@kerno/layers";
 * const leaky = new LeakyReLU({ negativeSlope: 0.2 });
 * const overTime = new Softmax({ axis: 1 });
 * ```
 *
 * @module
 */
export * from "./elementwise_activation.ts";
export * from "./leaky_relu.ts";
export * from "./prelu.ts";
export * from "./relu.ts";
export * from "./elu.ts";
export * from "./softmax.ts";
