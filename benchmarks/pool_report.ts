/**
 * `deno run -A benchmarks/pool_report.ts [W1,W2,…] [--iterations N]`: the standard workloads
 * through single-thread `model.predict` and the worker pool at 1 and 2 workers, in the same
 * run, taking turns. Prints sequences/s, GFLOP/s and the ratio to single thread (medians of N
 * timed runs, default 3, after one warm-up each; W5 is timed once, without a separate warm-up,
 * as one run is ~67 GFLOP). W4 is the latency case: read its milliseconds.
 *
 * @module
 */
import { WorkerPool } from "@kerno/executor";
import { workload, WORKLOAD_IDS } from "./workloads.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const itIndex = Deno.args.indexOf("--iterations");
const iterations = itIndex >= 0 ? Number(Deno.args[itIndex + 1]) : 3;
const ids = args.length && !/^\d+$/.test(args[0]) ? args[0].split(",") : WORKLOAD_IDS;

function median(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times each runner `n` times, taking turns (single, pool 1, pool 2, single, …) so that a burst
 * of load from elsewhere on the machine hits them alike; one warm-up run each first, unless
 * `warm` is false.
 */
async function timeInTurns(
  runners: (() => unknown)[],
  warm: boolean,
  n: number,
): Promise<number[]> {
  if (warm) { for (const run of runners) await run(); }
  const ms: number[][] = runners.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [r, run] of runners.entries()) {
      const t0 = performance.now();
      await run();
      ms[r].push(performance.now() - t0);
    }
  }
  return ms.map(median);
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
    // The first call loads the model into a pool; keep it out of the timing.
    for (const pool of pools) await pool.load(w.model);
    const times = await timeInTurns(
      [
        () => w.model.predictFlat([w.x]),
        ...pools.map((pool) => () => pool.predictFlat(w.model, w.x)),
      ],
      !big,
      n,
    );
    const results: [string, number][] = [
      ["single thread", times[0]],
      ...pools.map((p, i): [string, number] => [
        `pool ${p.size} worker${p.size > 1 ? "s" : ""}`,
        times[i + 1],
      ]),
    ];
    for (const pool of pools) await pool.unload(w.model);
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
