/**
 * `@kerno/io`: Keras files in and out.
 *
 * - {@linkcode loadModel}: a `.keras` archive or a legacy `.h5` (Keras 2, tf.keras, Keras 3),
 *   detected by magic bytes, or a JSON config (`model.to_json()`) with its weights file
 *   (`{ weights: "w.h5" }`: Keras 2 `save_weights`, `.weights.h5`, `.keras`); legacy configs are
 *   translated with notes.
 * - {@linkcode loadWeights}: `.weights.h5` (by structure), legacy HDF5 weights (by order).
 * - {@linkcode saveModel} / {@linkcode saveWeights}: `.keras` and `.weights.h5` that Keras 3
 *   loads, written atomically; {@linkcode modelToBytes} / {@linkcode weightsToBytes} without a
 *   file system.
 * - `.npy` read/write and `.npz` read ({@linkcode readNpy}, {@linkcode writeNpy},
 *   {@linkcode readNpz}).
 *
 * The HDF5 reader and writer have their own entry point, `@kerno/io/h5`.
 *
 * @example
 * ```ts ignore
 * import { loadModel, saveModel } from "@kerno/io";
 * const model = await loadModel("lstm_model.h5"); // Keras 2 file: hard_sigmoid = 0.2x + 0.5
 * await saveModel(model, "lstm_model.keras");
 * ```
 *
 * @module
 */
export * from "./load.ts";
export * from "./save.ts";
export * from "./legacy_config.ts";
export * from "./weight_paths.ts";
export * from "./keras_weights.ts";
export * from "./legacy_weights.ts";
export * from "./atomic_write.ts";
export * from "./npy.ts";
export * from "./load_npy.ts";
export * from "./npz.ts";
export * from "./zip.ts";
export * from "./npy_file.ts";
export * from "./partial_file.ts";
