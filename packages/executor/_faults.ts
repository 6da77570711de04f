/**
 * Test-only fault injection: arm a fault for a pool's next job on a given worker. Not exported
 * from `mod.ts`; tests import this file directly.
 *
 * - `throw`: the job throws inside the worker (reported, worker replaced);
 * - `uncaught`: the worker dies of an uncaught error;
 * - `exit`: the worker closes itself mid-job;
 * - `terminate`: the pool terminates the worker right after posting the job.
 *
 * @module
 */
import type { FaultMode } from "./_messages.ts";

export type { FaultMode };

const armed = new WeakMap<object, Map<number, FaultMode>>();

/** Makes the next job that `pool` sends to worker `worker` (default 0) fail with `mode`. */
export function injectFault(pool: object, mode: FaultMode, worker = 0): void {
  let m = armed.get(pool);
  if (!m) armed.set(pool, m = new Map());
  m.set(worker, mode);
}

/** Takes (and disarms) the fault armed for `pool`'s worker `worker`, if any. */
export function takeFault(pool: object, worker: number): FaultMode | undefined {
  const m = armed.get(pool);
  const mode = m?.get(worker);
  if (mode !== undefined) m!.delete(worker);
  return mode;
}
