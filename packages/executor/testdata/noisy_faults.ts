/**
 * The two pool failures whose causes Deno itself reports on stderr (an uncaught error in a
 * worker, a worker module that is not there). `pool_test.ts` runs this file in a subprocess and
 * checks what it prints on stdout, so Deno's report stays out of the test output. Prints one
 * JSON object: each failure's message, and whether the pool then recovered.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import { injectFault } from "../_faults.ts";
import { WorkerPool } from "../mod.ts";
import { StubModel } from "./stub_model.ts";

const workerUrl = new URL("./stub_worker.ts", import.meta.url);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const model = new StubModel({ kind: "stub", name: "stub", features: 3, units: 4, timesteps: 2 }, 7);
const x = new Tensor(Float32Array.from({ length: 36 }, (_, i) => Math.sin(i * 0.37 + 1)), [
  6,
  2,
  3,
]);
const result: Record<string, unknown> = {};

{
  await using pool = await WorkerPool.create({ workers: 2, oversubscribe: true, workerUrl });
  injectFault(pool, "uncaught", 1);
  result.uncaught = await pool.predictFlat(model, x, { shardRows: 3 }).then(() => "", message);
  result.liveAfter = pool.liveWorkers;
  const again = await pool.predictFlat(model, x);
  const want = model.predictFlat([x]);
  result.recovered = again.every((t, i) => t.data.every((v, j) => v === want[i].data[j]));
}

const missing = new URL("./no_such_worker.ts", import.meta.url);
result.missingUrl = missing.href;
result.missing = await WorkerPool.create({ workers: 2, workerUrl: missing }).then(
  (p) => (p.close(), ""),
  message,
);

console.log(JSON.stringify(result));
