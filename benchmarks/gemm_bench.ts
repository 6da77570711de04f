/**
 * `deno bench benchmarks/gemm_bench.ts`: blocked {@linkcode gemm} against the naive triple loop
 * on square sizes and the RNN shapes, one group per shape (the naive run is the baseline). For
 * GFLOP/s figures, run `deno run benchmarks/gemm_report.ts`.
 *
 * @module
 */
import { gemm, gemmNaive } from "@kerno/tensor";
import { GEMM_CASES, operands } from "./_gemm_cases.ts";

for (const c of GEMM_CASES) {
  const { a, b, out } = operands(c);
  const { m, n, k } = c;
  Deno.bench({
    name: `gemm ${c.name}`,
    group: c.name,
    fn: () => gemm(false, false, m, n, k, a, 0, k, b, 0, n, out, 0, n),
  });
  // The naive loop takes seconds on the big shapes: there, few runs and one warm-up.
  const slow = c.m * c.n * c.k > 1e7 ? { n: c.naiveRuns, warmup: 1 } : {};
  Deno.bench({
    name: `gemmNaive ${c.name}`,
    group: c.name,
    baseline: true,
    ...slow,
    fn: () => gemmNaive(false, false, m, n, k, a, 0, k, b, 0, n, out, 0, n),
  });
}
