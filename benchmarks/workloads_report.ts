/**
 * `deno run --allow-read --allow-env benchmarks/workloads_report.ts [W1,W2,…] [--runs N] [--cpu]
 * [--json]`: single-thread `model.predict` on the standard workloads of `WORKLOADS.md`. Prints,
 * per workload, the median time of N timed runs after one warm-up run (W4, the latency case,
 * gets 20× as many runs), with sequences/s and effective GFLOP/s. `--cpu` times with the
 * process's CPU time (user + system) instead of the wall clock, which stays meaningful on a
 * machine shared with other jobs; `--json` prints one JSON line per workload instead of a
 * table (for scripts that compare two checkouts run alternately).
 *
 * @module
 */
import process from "node:process";
import { workload, WORKLOAD_IDS } from "./workloads.ts";

const useCpu = Deno.args.includes("--cpu");
const asJson = Deno.args.includes("--json");
const runsAt = Deno.args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(Deno.args[runsAt + 1]) : 5;
const named = Deno.args.find((a, i) => !a.startsWith("--") && Deno.args[i - 1] !== "--runs");
const ids = named ? named.split(",") : WORKLOAD_IDS;

/** Milliseconds since an arbitrary origin: wall clock, or user + system CPU time with `--cpu`. */
function now(): number {
  if (!useCpu) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median milliseconds of `n` timed calls of `fn`, after one untimed warm-up call. */
function medianMs(fn: () => unknown, n: number): number {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    fn();
    ms.push(now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

const header = ["workload", "ms", "seq/s", "GFLOP/s"];
const rows: string[][] = [header];
for (const id of ids) {
  const w = workload(id);
  const batch = w.x.shape[0];
  const ms = medianMs(() => w.model.predictFlat([w.x]), id === "W4" ? 20 * runs : runs);
  const seqPerS = batch / (ms / 1000);
  const gflops = w.flop / (ms / 1000) / 1e9;
  if (asJson) {
    console.log(JSON.stringify({ id, ms, seqPerS, gflops, timing: useCpu ? "cpu" : "wall" }));
  } else {
    rows.push([`${id} ${w.title}`, ms.toFixed(2), seqPerS.toFixed(1), gflops.toFixed(2)]);
  }
}
if (!asJson) {
  console.log(
    `timing: median of ${runs} runs (W4: ${20 * runs}) after warm-up, ` +
      `${useCpu ? "process CPU time" : "wall clock"}, Deno ${Deno.version.deno}`,
  );
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) {
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "),
    );
  }
}
