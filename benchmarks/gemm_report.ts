/**
 * `deno run benchmarks/gemm_report.ts [--quick] [--cpu]`: times blocked {@linkcode gemm} and the
 * naive oracle on each shape of `_gemm_cases.ts` in the same run (median of several timed runs
 * after warm-up) and prints `shape  blocked GFLOP/s  naive GFLOP/s  ratio`. `--quick` skips
 * 1024³. `--cpu` times with the process's CPU time instead of the wall clock, which stays
 * meaningful on a machine shared with other jobs.
 *
 * @module
 */
import process from "node:process";
import { gemm, gemmNaive } from "@kerno/tensor";
import { flops, GEMM_CASES, operands } from "./_gemm_cases.ts";

type Gemm = typeof gemm;

const useCpu = Deno.args.includes("--cpu");

/** Seconds since an arbitrary origin: wall clock, or user + system CPU time with `--cpu`. */
function now(): number {
  if (!useCpu) return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Median seconds of one call over `runs` timed batches, each long enough to time reliably. */
function medianSeconds(
  fn: Gemm,
  args: Parameters<Gemm>,
  runs: number,
  budgetFlop: number,
  flop: number,
): number {
  const reps = Math.max(1, Math.round(budgetFlop / flop));
  fn(...args); // warm-up (and JIT)
  if (reps > 1) { for (let r = 0; r < reps; r++) fn(...args); }
  const times: number[] = [];
  for (let s = 0; s < runs; s++) {
    const t0 = now();
    for (let r = 0; r < reps; r++) fn(...args);
    times.push((now() - t0) / reps);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

const quick = Deno.args.includes("--quick");
const rows: string[][] = [["shape", "m×n×k", "blocked GFLOP/s", "naive GFLOP/s", "ratio"]];
for (const c of GEMM_CASES) {
  if (quick && c.m * c.n * c.k > 3e8) continue;
  const { a, b, out } = operands(c);
  const { m, n, k } = c;
  const args: Parameters<Gemm> = [false, false, m, n, k, a, 0, k, b, 0, n, out, 0, n];
  const flop = flops(c);
  const blocked = flop / medianSeconds(gemm, args, 7, 4e8, flop) / 1e9;
  const naive = flop / medianSeconds(gemmNaive, args, Math.min(c.naiveRuns, 5), 1e8, flop) / 1e9;
  rows.push([
    c.name,
    `${m}×${n}×${k}`,
    blocked.toFixed(2),
    naive.toFixed(2),
    `${(blocked / naive).toFixed(1)}×`,
  ]);
  console.error(`done ${c.name}`);
}
console.log(
  `timing: median ${useCpu ? "process CPU time" : "wall clock"}, Deno ${Deno.version.deno}`,
);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) {
  console.log(
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "),
  );
}
