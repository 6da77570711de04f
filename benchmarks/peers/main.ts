/**
 * `deno task bench:peers [--quick] [--workloads W1,W4] [--runtimes kerno,pool,blas,tfjs-cpu,tfjs-wasm,ort]
 * [--iterations N] [--slow-iterations N]`: Kerno against TensorFlow.js (cpu and wasm backends)
 * and ONNX Runtime for Node (1 and all intra-op threads) on the standard workloads of
 * `WORKLOADS.md` (runtime `blas`: Kerno with its products on the system BLAS, 1 thread and a
 * pool of all cores; a row that says why when no BLAS can be used)
 * — in one process, with the same weights and inputs everywhere.
 *
 * Each workload first runs a mapping check (batch 4, random biases) and then the timed runs at
 * full size, every runtime in turn within each round (see `timing.ts`); every output is compared
 * with Kerno's (max |diff| must stay below 1e-4). `--quick` runs W4 and W1 at batch 128.
 *
 * @module
 */
import { WorkerPool } from "@kerno/executor";
import { blasStatus, withBlas } from "@kerno/tensor";
import { workload } from "../workloads.ts";
import { maxAbsDiff, peerCase } from "./case.ts";
import { kernoBlasPool, kernoBlasSingle, kernoPool, kernoSingle } from "./kerno_runner.ts";
import { describe, mappingCheck, TOLERANCE } from "./mapping_check.ts";
import { parseOptions, planFor } from "./options.ts";
import { ORT_VERSION, ortRunner } from "./ort_runner.ts";
import type { Runner, RunnerFactory } from "./runner.ts";
import { formatTable, type Row } from "./table.ts";
import { TFJS_VERSION, tfjsRunner, useBackend, wasmFeatures } from "./tfjs_runner.ts";
import { median, SETTLE_MS, timeInRounds, Timer } from "./timing.ts";
import { cpuSpeeds, formatSpeeds, pinThread } from "./affinity.ts";

const options = parseOptions(Deno.args);
const threads = navigator.hardwareConcurrency ?? 2;

const peers: RunnerFactory[] = [];
if (options.runtimes.has("tfjs-cpu")) peers.push(tfjsRunner("cpu"));
if (options.runtimes.has("tfjs-wasm")) peers.push(tfjsRunner("wasm"));
if (options.runtimes.has("ort")) {
  peers.push(ortRunner(1));
  if (threads > 1) peers.push(ortRunner(threads));
}

let wasmInfo = "not requested";
if (options.runtimes.has("tfjs-wasm")) {
  try {
    await useBackend("wasm");
    wasmInfo = wasmFeatures();
  } catch (e) {
    wasmInfo = `did not load: ${describe(e)}`;
  }
}

/** The 1, 5 and 15 minute load averages (the machine may be shared with other jobs). */
function loadAverage(): string {
  try {
    return Deno.loadavg().map((l) => l.toFixed(2)).join(" ");
  } catch {
    return "unknown (run with --allow-sys)";
  }
}

/**
 * The commit checked out, read from `.git` (a folder, or in a worktree a file naming its git
 * folder; branch refs loose or packed), or "unknown".
 */
function kernoCommit(): string {
  try {
    let dir = ".git";
    if (Deno.statSync(dir).isFile) {
      dir = Deno.readTextFileSync(dir).trim().replace(/^gitdir: /, "");
    }
    const head = Deno.readTextFileSync(`${dir}/HEAD`).trim();
    if (!head.startsWith("ref: ")) return head.slice(0, 12);
    const ref = head.slice(5);
    let common = dir;
    try {
      common = `${dir}/${Deno.readTextFileSync(`${dir}/commondir`).trim()}`;
    } catch { /* not a worktree */ }
    for (const d of [dir, common]) {
      try {
        return Deno.readTextFileSync(`${d}/${ref}`).trim().slice(0, 12);
      } catch { /* packed, or in the common folder */ }
    }
    const packed = Deno.readTextFileSync(`${common}/packed-refs`).split("\n");
    const line = packed.find((l) => l.endsWith(` ${ref}`));
    return line ? line.slice(0, 12) : "unknown";
  } catch {
    return "unknown";
  }
}

console.log(`# Kerno vs peers — ${new Date().toISOString()}${options.quick ? " (quick)" : ""}`);
console.log(
  `kerno at ${kernoCommit()}; Deno ${Deno.version.deno}, V8 ${Deno.version.v8}, ${threads} ` +
    `hardware threads, load average ${loadAverage()}`,
);
console.log(
  `tfjs ${TFJS_VERSION} (wasm backend: ${wasmInfo}); onnxruntime-node ${ORT_VERSION}; ` +
    `× kerno 1t = kerno single-thread ms / runtime ms (> 1: faster than Kerno single thread)`,
);
console.log(
  "cpu ms/run = process CPU time per timed run, all threads (for a 1-thread runtime: its compute " +
    "time with other jobs' share left out); cpu/wall = CPU time / wall time over the timed runs " +
    "(cores kept busy; less than the threads asked for means other jobs had the CPU)",
);

const pools: WorkerPool[] = [];
if (options.runtimes.has("pool")) {
  pools.push(await WorkerPool.create({ workers: 1 }));
  if (threads > 1) pools.push(await WorkerPool.create({ workers: threads }));
}

/** Runtime `blas`: its status, and its pool of all cores when the library can be used. */
const blas = options.runtimes.has("blas") ? withBlas(true, blasStatus) : null;
const blasPool = blas?.active ? await WorkerPool.create({ workers: threads, blas: true }) : null;
if (blas !== null) {
  console.log(
    blas.active
      ? `kerno blas: ${blas.library} (${blas.kernel}), one BLAS thread per worker`
      : `kerno blas: not run (${blas.reason})`,
  );
}

function failedRow(runtime: string, note: string): Row {
  return { runtime, ms: NaN, runs: 0, cores: NaN, cpuPerRun: NaN, diff: NaN, note };
}

function rowOf(t: Timer, ref: ArrayLike<number>, extra: string[]): Row {
  const r = t.result();
  const diff = maxAbsDiff(r.output, ref);
  const notes = diff < TOLERANCE ? [] : [`OUTPUT MISMATCH (max|diff| ${diff} ≥ ${TOLERANCE})`];
  if (r.cores < 0.85 * t.runner.threads) {
    notes.push(`CPU contended: ${r.cores.toFixed(2)} of ${t.runner.threads} cores busy`);
  }
  return {
    runtime: t.runner.label,
    ms: median(r.ms),
    runs: r.ms.length,
    cores: r.cores,
    cpuPerRun: r.cpuPerRun,
    diff,
    note: [...notes, ...extra].join("; "),
  };
}

async function runWorkload(id: string): Promise<void> {
  const w = workload(id, options.quick && id === "W1" ? 128 : undefined);
  console.log(
    `\n## ${id} ${w.title}: input (${w.x.shape.join(", ")}), ` +
      `${(w.flop / 1e9).toFixed(id === "W4" ? 4 : 2)} GFLOP per run`,
  );
  const failed = await mappingCheck(id, peers);
  const c = peerCase(w);
  const single = kernoSingle(w);
  const ref = await single.run();
  const slots: (Row | { timer: Timer; extra: string[] })[] = [];
  const fast = planFor(options, id, false);
  slots.push({ timer: new Timer(single, fast), extra: [] });
  for (const pool of pools) slots.push({ timer: new Timer(kernoPool(w, pool), fast), extra: [] });
  if (blas !== null && !blas.active) {
    slots.push(failedRow("kerno blas 1 thread", `cannot run: ${blas.reason}`));
  } else if (blas !== null) {
    slots.push({ timer: new Timer(kernoBlasSingle(w), fast), extra: [] });
    slots.push({ timer: new Timer(kernoBlasPool(w, blasPool!), fast), extra: [] });
  }
  for (const f of peers) {
    const note = failed.get(f.label);
    if (note?.startsWith("cannot run")) {
      slots.push(failedRow(f.label, note));
      continue;
    }
    try {
      const r: Runner = await f.create(c);
      const extra = [note ?? "", f.slow && id !== "W4" ? "few runs (slow)" : ""].filter((s) => s);
      slots.push({ timer: new Timer(r, planFor(options, id, f.slow ?? false)), extra });
    } catch (e) {
      slots.push(failedRow(f.label, `failed: ${describe(e)}`));
    }
  }
  const timers = slots.flatMap((s) => ("timer" in s ? [s.timer] : []));
  const before = cpuSpeeds();
  const fastest = before.indexOf(Math.max(...before));
  try {
    await timeInRounds(timers, SETTLE_MS, before.length ? pinThread : null, fastest);
  } finally {
    for (const t of timers) await t.runner.dispose();
  }
  const after = cpuSpeeds();
  const rows = slots.map((s) => ("timer" in s ? rowOf(s.timer, ref, s.extra) : s));
  console.log(formatTable(rows, w.x.shape[0], w.flop));
  console.log(
    before.length
      ? `CPU speeds (compute core product, GFLOP/s): before ${formatSpeeds(before)}; after ` +
        `${formatSpeeds(after)}; single-thread rows pinned to cpu${fastest}`
      : "CPU speeds: not measured (no sched_setaffinity here); single-thread rows not pinned",
  );
  console.log(`load average after ${id}: ${loadAverage()}`);
}

try {
  for (const id of options.ids) await runWorkload(id);
} finally {
  for (const p of pools) await p.close();
  await blasPool?.close();
}
