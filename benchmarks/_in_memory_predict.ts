/**
 * The in-memory path `kerno predict` had before it streamed, as a baseline for
 * `benchmarks/scale.ts`: read the whole `.npy`, one `pool.predictFlat` over every row, write the
 * whole output. Prints one JSON line: rows, seconds (read + predict + write, timed from after the
 * pool started, as `kerno predict` times itself: loading the model into the workers included)
 * and the predict part alone.
 *
 * `deno run --allow-read --allow-write --allow-env benchmarks/_in_memory_predict.ts MODEL X Y`
 *
 * @module
 */
import { WorkerPool } from "@kerno/executor";
import { loadModel, readNpy, writeFileAtomic, writeNpy } from "@kerno/io";

const [modelPath, xPath, yPath] = Deno.args;
const model = await loadModel(modelPath);
await using pool = await WorkerPool.create();
const t0 = performance.now();
const x = readNpy(await Deno.readFile(xPath), xPath);
const t1 = performance.now();
const [y] = await pool.predictFlat(model, x);
const t2 = performance.now();
await writeFileAtomic(yPath, writeNpy(y));
const t3 = performance.now();
console.log(JSON.stringify({
  rows: x.shape[0],
  seconds: (t3 - t0) / 1000,
  predictSeconds: (t2 - t1) / 1000,
  workers: pool.size,
}));
