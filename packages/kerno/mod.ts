/**
 * `@kerno/kerno`: Keras recurrent networks in TypeScript, in one import. Layers under `layers`
 * (as `keras.layers`), initializers under `initializers`, `Input`, `Model` and `Sequential`,
 * `tensor()`, Keras file loading and saving, and the `WorkerPool` for batch inference on every
 * core.
 *
 * @example The Keras RNN tutorial's LSTM with return_state
 * ```ts
 * import { Input, layers, Model, type SymbolicTensor, type Tensor, tensor } from "@kerno/kerno";
 *
 * const inputs = Input({ shape: [3, 1] });
 * const [seq, h, c] = new layers.LSTM(1, { returnSequences: true, returnState: true })
 *   .apply(inputs) as SymbolicTensor[];
 * const model = new Model({ inputs, outputs: [seq, h, c] });
 * model.summary();
 * const [ys, hs, cs] = model.predict(tensor([0.1, 0.2, 0.3], [1, 3, 1])) as Tensor[];
 * ```
 *
 * @example Load a model trained in Python and predict on all cores
 * ```ts ignore
 * import { loadModel, WorkerPool } from "@kerno/kerno";
 * const model = await loadModel("model.keras");
 * await using pool = await WorkerPool.create();
 * const y = await pool.predict(model, x);
 * ```
 *
 * @module
 */
export * as layers from "./layers.ts";
export * as initializers from "./initializers.ts";
export { allClose, compareClose, Tensor, tensor } from "@kerno/tensor";
export type { DType, NestedArray } from "@kerno/tensor";
export { resetLayerNames } from "@kerno/layers";
export { DEFAULT_LIMITS, type Limits, setDefaultLimits } from "@kerno/layers";
export type { Nested, Shape, SymbolicTensor } from "@kerno/layers";
export { Input, Model, modelFromJSON, Sequential } from "@kerno/model";
export {
  joinNpyFiles,
  loadModel,
  loadWeights,
  modelFromBytes,
  modelToBytes,
  NpyFileReader,
  NpyFileWriter,
  readNpy,
  readNpz,
  saveModel,
  saveWeights,
  weightsFromBytes,
  weightsToBytes,
  writeNpy,
} from "@kerno/io";
export type { FileSource } from "@kerno/io";
export { WorkerPool } from "@kerno/executor";
