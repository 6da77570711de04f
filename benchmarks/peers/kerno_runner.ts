/**
 * Kerno itself: single-thread `model.predict` (one batch of the whole input) and the worker pool.
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

/** `pool.predict(model, x)`; the model is unloaded from the pool on dispose. */
export function kernoPool(w: Workload, pool: WorkerPool): Runner {
  return {
    label: `kerno pool ${pool.size} worker${pool.size > 1 ? "s" : ""}`,
    threads: Math.min(pool.size, w.x.shape[0]), // one row cannot keep two workers busy
    run: async () => (await pool.predictFlat(w.model, w.x))[0].f32,
    dispose: () => pool.unload(w.model),
  };
}
