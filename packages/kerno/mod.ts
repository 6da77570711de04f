/**
 * `@kerno/kerno`: Keras recurrent networks in TypeScript, in one import. Layers under `layers`
 * (as `keras.layers`), initializers under `initializers`, `Input`, `Model` and `Sequential`,
 * `tensor()`, Keras file loading and saving, and the `WorkerPool` for batch inference on every
 * core.
 *
 * @example The Keras RNN tutorial's LSTM with return_state
 * ```ts
 * import { Input, layers, Model, type SymbolicTensor, tensor } from "@kerno/kerno";
 *
 * const inputs = Input({ shape: [3, 1] });
 * const [seq, h, c] = new layers.LSTM(1, { returnSequences: true, returnState: true })
 *   .apply(inputs) as SymbolicTensor[];
 * const model = new Model({ inputs, outputs: [seq, h, c] });
 * model.summary();
 * const [ys, hs, cs] = model.predict(tensor([0.1, 0.2, 0.3], [1, 3, 1])); // Tensor[]
 * ```
 *
 * @example Load a model trained in Python and predict on all cores
 * ```ts ignore
 * import { loadModel, WorkerPool } from "@kerno/kerno";
 * const model = await loadModel("model.keras");
 * await using pool = await WorkerPool.create();
 * const y = await pool.predictOne(model, x); // Tensor (predictFlat: Tensor[] of every output)
 * ```
 *
 * @module
 */
/**
 * The Keras layer classes, as `keras.layers` names them: `new layers.LSTM(4, { returnSequences:
 * true })`. Each takes its Keras arguments in camelCase in an options object, typed by the
 * `…Options` interfaces exported beside it (`LSTMOptions`, `GRUOptions`, `BidirectionalOptions`…).
 *
 * - Recurrent: `SimpleRNN`, `LSTM`, `GRU`, `RNN` (any cell), `Bidirectional`; the cells
 *   `SimpleRNNCell`, `LSTMCell`, `GRUCell`, `StackedRNNCells`, and `RNNCell` to write your own;
 *   `ConvLSTM1D`, `ConvLSTM2D`.
 * - Core: `Dense`, `Embedding`, `Masking`, `TimeDistributed`, `Activation`, `InputLayer`, `Layer`.
 * - Merging: `Add`, `Subtract`, `Multiply`, `Average`, `Maximum`, `Minimum`, `Concatenate`, `Dot`.
 * - Normalization, regularization, activations: `BatchNormalization`, `LayerNormalization`,
 *   `Dropout`, `SpatialDropout1D`, `GaussianDropout`, `GaussianNoise`, `AlphaDropout`,
 *   `ActivityRegularization`, `ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`.
 * - Shapes, pooling, convolution, attention: `Reshape`, `Flatten`, `Permute`, `RepeatVector`,
 *   `MaxPooling1D/2D`, `AveragePooling1D/2D`, `GlobalMaxPooling1D`, `GlobalAveragePooling1D/2D`,
 *   `Conv1D`, `Conv2D`, `Attention`, `AdditiveAttention`, `MultiHeadAttention`.
 *
 * Every class's own page, with its options and an example: `deno doc --filter LSTM
 * packages/layers/mod.ts`.
 */
export * as layers from "./layers.ts";
/**
 * The Keras initializers, as `keras.initializers` names them: `new initializers.Constant(0.3)`,
 * or by Keras name with `initializers.get("glorot_uniform")`. `Constant`, `Zeros`, `Ones`,
 * `Identity`, `Orthogonal`, `RandomNormal`, `RandomUniform`, `TruncatedNormal`,
 * `VarianceScaling`, `GlorotNormal`, `GlorotUniform`, `HeNormal`, `HeUniform`, `LecunNormal`,
 * `LecunUniform`. Layers take them as objects or names: `{ kernelInitializer: "he_normal" }`.
 */
export * as initializers from "./initializers.ts";
export type {
  BidirectionalOptions,
  CellOptions,
  DenseOptions,
  EmbeddingOptions,
  GatedCellOptions,
  GRUCellOptions,
  GRUOptions,
  LayerOptions,
  LSTMCellOptions,
  LSTMOptions,
  MaskingOptions,
  RNNOptions,
  SimpleRNNOptions,
} from "@kerno/layers";
export { allClose, compareClose, Tensor, tensor } from "@kerno/tensor";
export {
  type CoreArithmetic,
  coreArithmetic,
  deterministicArithmetic,
  useDeterministicArithmetic,
} from "@kerno/tensor";
export type { DType, NestedArray } from "@kerno/tensor";
export { resetLayerNames } from "@kerno/layers";
export { DEFAULT_LIMITS, type Limits, setDefaultLimits } from "@kerno/layers";
export type { Nested, Shape, SymbolicTensor } from "@kerno/layers";
export { Input, Model, modelFromJSON, Sequential } from "@kerno/model";
export type { PredictInput, PredictOutput } from "@kerno/model";
export {
  joinNpyFiles,
  loadModel,
  loadNpy,
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
export { importSetup, type PoolSetup, type SetupSource, WorkerPool } from "@kerno/executor";
export type { PoolOutput } from "@kerno/executor";
