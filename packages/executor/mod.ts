/**
 * `@kerno/executor`: {@linkcode WorkerPool}, batch inference spread over module workers.
 *
 * A model is sent to the workers once: its Keras JSON config, and all its weights packed in one
 * `SharedArrayBuffer` that every worker views (no copy per worker). `predict` places the input in
 * shared memory (in place when it already is), splits the batch into contiguous row shards, and
 * the workers write straight into a shared output buffer. The result is bit-identical to
 * `model.predict(x)` for any worker count and shard size. Progress, `AbortSignal`, a FIFO queue
 * for concurrent calls, worker replacement after a crash and `await using` are built in.
 *
 * @example
 * ```ts ignore
 * import { WorkerPool } from "@kerno/executor";
 * import { loadModel } from "@kerno/io";
 *
 * const model = await loadModel("model.keras");
 * await using pool = await WorkerPool.create({ workers: 4 });
 * const y = await pool.predict(model, x, { onProgress: (p) => console.log(p.fraction) });
 * ```
 *
 * @module
 */
export { WorkerPool } from "./pool.ts";
export { isStatefulModel, ModelHandle } from "./model_handle.ts";
export { nestOutputs } from "./types.ts";
export { importSetup, type PoolSetup, type SetupSource } from "./setup.ts";
export type {
  BatchInput,
  Nested,
  OutputStructure,
  PoolModel,
  PoolOptions,
  PoolOutput,
  PoolTensorSpec,
  PredictBatchesOptions,
  PredictOptions,
  PredictProgress,
  StreamProgress,
} from "./types.ts";
