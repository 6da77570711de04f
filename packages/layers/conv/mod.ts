/**
 * The convolution layers, channels last: `Conv1D`, `Conv2D`, `MaxPooling1D`,
 * `AveragePooling1D`, `MaxPooling2D`, `AveragePooling2D`, `GlobalAveragePooling2D`, and the
 * convolutional recurrent layers `ConvLSTM1D` / `ConvLSTM2D`. Convolutions run as im2col + gemm.
 * Importing this module registers every class for `deserializeLayer`.
 *
 * @example
 * ```ts
 * import { Conv1D, MaxPooling1D } from "@kerno/layers";
 * const conv = new Conv1D(16, 3, { padding: "causal", activation: "relu" });
 * const pool = new MaxPooling1D(2);
 * ```
 *
 * @module
 */
export * from "./base_conv.ts";
export * from "./conv1d.ts";
export * from "./conv2d.ts";
export * from "./base_pooling.ts";
export * from "./pooling.ts";
export * from "./global_average_pooling2d.ts";
export * from "./conv_lstm_cell.ts";
export * from "./conv_lstm.ts";
