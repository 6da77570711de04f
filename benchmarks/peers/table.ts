/**
 * The result table of one workload: median ms, CPU ms per run, sequences/s, effective GFLOP/s,
 * the ratio to Kerno single thread, cores kept busy and the max |diff| to Kerno's output.
 *
 * @module
 */

/** One row of a workload's table. */
export interface Row {
  /** Runtime label. */
  readonly runtime: string;
  /** Median ms (NaN when it did not run). */
  readonly ms: number;
  /** Timed runs behind the median. */
  readonly runs: number;
  /** CPU time / wall time of the process during the timed runs. */
  readonly cores: number;
  /** Mean process CPU ms per timed run. */
  readonly cpuPerRun: number;
  /** Max |output − Kerno's|. */
  readonly diff: number;
  /** Why it did not run, or a remark. */
  readonly note: string;
}

function fixed(ms: number): string {
  return ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}

/** Formats rows as an aligned table with seq/s, GFLOP/s and × Kerno single thread. */
export function formatTable(rows: readonly Row[], batch: number, flop: number): string {
  const single = rows.find((r) => r.runtime === "kerno 1 thread")?.ms ?? NaN;
  const header = [
    "runtime",
    "ms (median)",
    "cpu ms/run",
    "runs",
    "seq/s",
    "GFLOP/s",
    "× kerno 1t",
    "cpu/wall",
    "max|diff|",
  ];
  const cells = rows.map((r) => {
    if (!Number.isFinite(r.ms)) return [r.runtime, "—", "—", "0", "—", "—", "—", "—", "—", r.note];
    return [
      r.runtime,
      fixed(r.ms),
      Number.isFinite(r.cpuPerRun) ? fixed(r.cpuPerRun) : "—",
      String(r.runs),
      (batch / (r.ms / 1000)).toFixed(1),
      (flop / (r.ms / 1000) / 1e9).toFixed(2),
      (single / r.ms).toFixed(3),
      Number.isFinite(r.cores) ? r.cores.toFixed(2) : "—",
      r.runtime === "kerno 1 thread" ? "(reference)" : r.diff.toExponential(1),
      r.note,
    ];
  });
  const all = [[...header, "note"], ...cells];
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all
    .map((r) =>
      r.map((c, i) => (i === 0 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join("  ").trimEnd()
    )
    .join("\n");
}
