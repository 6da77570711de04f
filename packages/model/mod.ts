/**
 * `@kerno/model`: Keras models in TypeScript. `Input()` tensors, the Functional {@linkcode Model}
 * (a graph of layer calls), {@linkcode Sequential}, batched `predict`, Keras's `summary()` table,
 * weights in Keras order, and Keras 3 JSON configs both ways ({@linkcode modelFromJSON},
 * `model.toJSON()`). No npm dependencies.
 *
 * @example
 * ```ts ignore
 * import { Input, Model, modelFromJSON } from "@kerno/model";
 * import { LSTM } from "@kerno/layers";
 * const x = Input({ shape: [null, 3] });
 * const model = new Model({ inputs: x, outputs: new LSTM(4).apply(x) });
 * const copy = modelFromJSON(model.toJSON());
 * ```
 *
 * @module
 */
export * from "./input_layer.ts";
export * from "./model.ts";
export { type PredictInput, toInputTensors } from "./inputs.ts";
export * from "./sequential.ts";
export * from "./from_config.ts";
export * from "./lambda_layers.ts";
export * from "./structure.ts";
export * from "./summary_format.ts";
export type { GraphMap } from "./graph.ts";
export type { DType, F32, NestedArray, Tensor, TensorData } from "@kerno/tensor";
export type {
  ApplyOptions,
  CallContext,
  DeserializeOptions,
  Initializer,
  InputSpec,
  LambdaDefinition,
  LambdaFunction,
  LambdaSupply,
  Layer,
  LayerFactory,
  Nested,
  Node,
  NodeCall,
  OutputStructure,
  SerializedLayer,
  Shape,
  ShapeContext,
  SymbolicTensor,
  Variable,
} from "@kerno/layers";
