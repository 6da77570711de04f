/**
 * Command-line options of `main.ts` and the number of runs per workload and runtime.
 *
 * @module
 */
import type { Plan } from "./timing.ts";

/** Parsed command line. */
export interface Options {
  /** `--quick`: W4 and W1 at batch 128, fewer runs. */
  readonly quick: boolean;
  /** `--workloads W1,W4` (default all, W4 first). */
  readonly ids: readonly string[];
  /** `--runtimes kerno,pool,blas,tfjs-cpu,tfjs-wasm,ort` (default all). */
  readonly runtimes: ReadonlySet<string>;
  /** `--iterations N`: timed runs of the fast runtimes. */
  readonly iterations?: number;
  /** `--slow-iterations N`: timed runs of tfjs-cpu. */
  readonly slowIterations?: number;
}

/** Reads `args` (as `Deno.args`). */
export function parseOptions(args: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const count = (name: string): number | undefined => {
    const v = value(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`${name} expects a positive integer, received "${v}"`);
    }
    return n;
  };
  const quick = args.includes("--quick");
  return {
    quick,
    ids: value("--workloads")?.split(",") ??
      (quick ? ["W4", "W1"] : ["W4", "W1", "W2", "W3", "W5"]),
    runtimes: new Set(
      (value("--runtimes") ?? "kerno,pool,blas,tfjs-cpu,tfjs-wasm,ort").split(","),
    ),
    iterations: count("--iterations"),
    slowIterations: count("--slow-iterations"),
  };
}

/**
 * Runs for workload `id`: W4 (milliseconds) many, in bursts of 5; W1–W3 five; W5 (67 GFLOP)
 * three; the slow runtime (tfjs-cpu) ten on W4, two on W1–W3 and one, without warm-up, on W5.
 * Every runtime warms up for at least 2 s on W4 and 1 s on the others (and at least 100 runs on
 * W4, 20 for the slow runtime), so that JavaScript runtimes are timed with V8's compilers done:
 * timed in one process, Kerno's W4 (BLAS) took 263–275 µs a run right after
 * 100 warm-up runs and 135–147 after 2 s of them, onnxruntime 181–194 and 163–183.
 */
export function planFor(o: Options, id: string, slow: boolean): Plan {
  let p: Plan;
  if (id === "W4") {
    p = slow
      ? { warmup: 20, warmupMs: 2000, timed: 10, burst: 5 }
      : { warmup: 100, warmupMs: 2000, timed: o.quick ? 20 : 50, burst: 5 };
  } else if (id === "W5") {
    p = slow ? { warmup: 0, timed: 1 } : { warmup: 1, warmupMs: 1000, timed: o.quick ? 1 : 3 };
  } else {
    p = slow
      ? { warmup: 1, timed: o.quick ? 1 : 2 }
      : { warmup: 1, warmupMs: 1000, timed: o.quick ? 3 : 5 };
  }
  const override = slow ? o.slowIterations : o.iterations;
  return override ? { ...p, timed: override } : p;
}
