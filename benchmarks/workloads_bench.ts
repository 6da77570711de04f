/**
 * `deno bench benchmarks/workloads_bench.ts`: single-thread `model.predict` on W1–W4 of
 * `WORKLOADS.md` (W5 is in `pool_report.ts` only, being ~67 GFLOP a run). The big workloads run
 * a few times only; the pool comparison is `deno run -A benchmarks/pool_report.ts`.
 *
 * @module
 */
import { workload } from "./workloads.ts";

for (const id of ["W4", "W1", "W2", "W3"]) {
  const w = workload(id);
  const small = id === "W4";
  Deno.bench({
    name: `${id} ${w.title} (${(w.flop / 1e9).toFixed(2)} GFLOP)`,
    group: "workloads",
    n: small ? 50 : 2,
    warmup: small ? 5 : 1,
    fn: () => {
      w.model.predictFlat([w.x]);
    },
  });
}
