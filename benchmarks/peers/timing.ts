/**
 * Timing under background load: every runtime of a workload is warmed up, then timed in rounds
 * (one run of each runtime per round), so that load from other jobs falls on all of them alike.
 * Wall-clock medians, plus the process CPU time, which leaves other jobs' share out.
 *
 * @module
 */
import process from "node:process";
import type { Runner } from "./runner.ts";

/** How many runs to make. */
export interface Plan {
  /** Untimed runs first. */
  readonly warmup: number;
  /**
   * Keep warming up (after `warmup` runs) until this many milliseconds have passed (default 0):
   * V8 compiles a JavaScript runtime's hot code on background threads over its first second or
   * two of work, which a few short runs do not cover.
   */
  readonly warmupMs?: number;
  /** Timed runs (the median is reported). */
  readonly timed: number;
  /** Timed runs made back to back in each round (default 1): small cases keep warm caches. */
  readonly burst?: number;
}

/** Timed runs of one runtime. */
export interface Timing {
  /** Times of the timed runs, ascending. */
  readonly ms: readonly number[];
  /** Output of the first run (a warm-up one when there is a warm-up). */
  readonly output: ArrayLike<number>;
  /** Process CPU time over wall time during the timed runs (cores busy; NaN if too short). */
  readonly cores: number;
  /** Mean process CPU ms per timed run, every thread (NaN if too short to tell). */
  readonly cpuPerRun: number;
}

/**
 * CPU time (user + system, every thread of the process: getrusage) in ms; NaN where the runtime
 * cannot tell.
 */
export function processCpuMs(): number {
  try {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  } catch {
    return NaN;
  }
}

/** The median of ascending values (the mean of the middle two for an even count). */
export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const m = n >> 1;
  return n % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/** Warm-up and timed runs of one runner, made one at a time. */
export class Timer {
  /** The runner timed. */
  readonly runner: Runner;
  /** Its plan. */
  readonly plan: Plan;
  #ms: number[] = [];
  #cpu = 0;
  #output: ArrayLike<number> | null = null;

  /** Times `runner` by `plan`. */
  constructor(runner: Runner, plan: Plan) {
    this.runner = runner;
    this.plan = plan;
  }

  /** Makes the warm-up runs: `plan.warmup` of them, and more until `plan.warmupMs` have passed. */
  async warm(): Promise<void> {
    const end = performance.now() + (this.plan.warmupMs ?? 0);
    for (let i = 0; i < this.plan.warmup || performance.now() < end; i++) {
      const y = await this.runner.run();
      this.#output ??= y;
    }
  }

  /** Makes the timed runs of round `round` (`burst` of them) if any are left; says whether. */
  async timeRound(round: number): Promise<boolean> {
    const burst = this.plan.burst ?? 1;
    const runs = Math.min(burst, this.plan.timed - round * burst);
    for (let i = 0; i < runs; i++) {
      const cpu0 = processCpuMs();
      const t0 = performance.now();
      const y = await this.runner.run();
      this.#ms.push(performance.now() - t0);
      this.#cpu += processCpuMs() - cpu0;
      this.#output ??= y;
    }
    return runs > 0;
  }

  /** The timings so far. */
  result(): Timing {
    const ms = [...this.#ms].sort((a, b) => a - b);
    const wall = ms.reduce((a, b) => a + b, 0);
    // Below ~50 ms of wall time the rusage ticks say nothing.
    const cpu = wall >= 50 ? this.#cpu : NaN;
    return { ms, output: this.#output ?? [], cores: cpu / wall, cpuPerRun: cpu / ms.length };
  }
}

/**
 * Idle time before each runtime's turn in a round. A runtime's threads may keep the CPU busy
 * after its run returns (onnxruntime's intra-op workers spin for about 30 ms, using up to 1.4
 * cores: measured with `processCpuMs` in 10 ms sleeps after a 2-thread W1 run), which would be
 * charged to whichever runtime runs next.
 */
export const SETTLE_MS = 60;

/**
 * Warms every timer up, then times them in rounds, with {@linkcode SETTLE_MS} of idle time
 * before each turn; resolves when every plan is done. With `pin`, the runtimes that compute on
 * one thread (the calling one) run with it pinned to that CPU, all on the same one.
 */
export async function timeInRounds(
  timers: readonly Timer[],
  settleMs: number = SETTLE_MS,
  pin: ((cpu: number | null) => boolean) | null = null,
  cpu = 0,
): Promise<void> {
  const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs));
  const turn = async <T>(t: Timer, body: () => Promise<T>): Promise<T> => {
    await settle();
    const pinned = pin !== null && t.runner.threads === 1 && pin(cpu);
    try {
      return await body();
    } finally {
      if (pinned) pin!(null);
    }
  };
  for (const t of timers) await turn(t, () => t.warm());
  for (let round = 0;; round++) {
    let ran = false;
    for (const t of timers) ran = (await turn(t, () => t.timeRound(round))) || ran;
    if (!ran) return;
  }
}
