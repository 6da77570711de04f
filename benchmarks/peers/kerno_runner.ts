/**
 * Kerno itself: single-thread `model.predict` (one batch of the whole input) and the worker pool,
 * on the WebAssembly core or (runtime `blas`) with the products on a native BLAS.
 *
 * @module
 */
import type { WorkerPool } from "@kerno/executor";
import type { Workload } from "../workloads.ts";
import type { Runner } from "./runner.ts";

/** `model.predict(x, { batchSize: rows })` on the calling thread. */
export function kernoSingle(w: Workload): Runner {
  const batchSize = w.x.shape[0];
  return {
    label: "kerno 1 thread",
    threads: 1,
    run: () => Promise.resolve(w.model.predictFlat([w.x], { batchSize })[0].f32),
    dispose: () => Promise.resolve(),
  };
}

/**
 * `pool.predict(model, x, { batchSize: rows })`, the single-thread row's batch size, so that
 * both do the same work (the pool cuts the rows into one shard per worker); the model is
 * unloaded from the pool on dispose.
 */
export function kernoPool(w: Workload, pool: WorkerPool): Runner {
  const batchSize = w.x.shape[0];
  return {
    label: `kerno pool ${pool.size} worker${pool.size > 1 ? "s" : ""}`,
    threads: Math.min(pool.size, w.x.shape[0]), // one row cannot keep two workers busy
    run: async () => (await pool.predictFlat(w.model, w.x, { batchSize }))[0].f32,
    dispose: () => pool.unload(w.model),
  };
}

/** `model.predict(x, { batchSize: rows, blas: true })`: the products on the native BLAS. */
export function kernoBlasSingle(w: Workload): Runner {
  const batchSize = w.x.shape[0];
  return {
    label: "kerno blas 1 thread",
    threads: 1,
    run: () => Promise.resolve(w.model.predictFlat([w.x], { batchSize, blas: true })[0].f32),
    dispose: () => Promise.resolve(),
  };
}

/** `pool.predict(model, x, { batchSize: rows })` on a pool created with `blas: true`. */
export function kernoBlasPool(w: Workload, pool: WorkerPool): Runner {
  return {
    ...kernoPool(w, pool),
    label: `kerno blas pool ${pool.size} worker${pool.size > 1 ? "s" : ""}`,
  };
}
