/**
 * `deno run -A benchmarks/pool_report.ts [W1,W2,…] [--iterations N]`: the standard workloads
 * through single-thread `model.predict` and the worker pool at 1 and 2 workers, in the same
 * run. Prints sequences/s, GFLOP/s and the ratio to single thread (medians of N timed runs after
 * one warm-up; W5 is timed once, without a separate warm-up, as one run is ~67 GFLOP). W4 is the
 * latency case: its time is in milliseconds.
 *
 * @module
 */
import { WorkerPool } from "@kerno/executor";
import { workload, WORKLOAD_IDS } from "./workloads.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const itIndex = Deno.args.indexOf("--iterations");
const iterations = itIndex >= 0 ? Number(Deno.args[itIndex + 1]) : 3;
const ids = args.length && !/^\d+$/.test(args[0]) ? args[0].split(",") : WORKLOAD_IDS;

async function median(run: () => unknown, warm: boolean, n: number): Promise<number> {
  if (warm) await run();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

const pools = [await WorkerPool.create({ workers: 1 }), await WorkerPool.create({ workers: 2 })];
const header = ["workload", "runner", "ms", "seq/s", "GFLOP/s", "× single"];
const rows: string[][] = [header];
try {
  for (const id of ids) {
    const w = workload(id);
    const big = id === "W5";
    const n = big ? 1 : iterations;
    const batch = w.x.shape[0];
    const results: [string, number][] = [];
    results.push(["single thread", await median(() => w.model.predictFlat([w.x]), !big, n)]);
    for (const pool of pools) {
      // The first call loads the model into the pool; keep it out of the timing.
      if (big) await pool.load(w.model);
      const ms = await median(() => pool.predictFlat(w.model, w.x), !big, n);
      results.push([`pool ${pool.size} worker${pool.size > 1 ? "s" : ""}`, ms]);
      await pool.unload(w.model);
    }
    const single = results[0][1];
    for (const [runner, ms] of results) {
      rows.push([
        `${id} ${w.title}`,
        runner,
        ms.toFixed(1),
        (batch / (ms / 1000)).toFixed(1),
        (w.flop / (ms / 1000) / 1e9).toFixed(2),
        (single / ms).toFixed(2),
      ]);
    }
    console.error(`done ${id}`);
  }
} finally {
  for (const p of pools) await p.close();
}
const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) {
  console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}
