import { classify, FAILURES, type Outcome, signature } from "./classify.ts";
import { makeJob } from "./generate.ts";
import type { Job, JobResult } from "./job.ts";

/** Options of {@linkcode runCampaign}. */
export interface CampaignOptions {
  /** Seed of every mutation (the same seed makes the same inputs). */
  readonly seed: number;
  /** Number of inputs. */
  readonly count: number;
  /** Folder for inputs, scratch space, reproducers and `report.json` (created). */
  readonly outDir: string;
  /** Folders of reference cases (`<case>/case.json`, `model.keras`, …). */
  readonly fixturesDirs: readonly string[];
  /** Child processes running at once (default 2). */
  readonly concurrency?: number;
  /** Time limit of one input, in ms (default 10000). */
  readonly timeLimitMs?: number;
  /** Memory limit of a child while it runs one input, in MiB of resident memory (default 768). */
  readonly memoryLimitMiB?: number;
  /** Inputs one child runs before it is replaced (default 40; 1 isolates every input). */
  readonly inputsPerChild?: number;
  /** Called after each input. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One input that failed, with where its reproducer is. */
export interface Failure {
  readonly index: number;
  readonly outcome: Outcome;
  readonly detail: string;
  readonly mutation: string;
  readonly message: string;
  readonly reproducer: string | null;
}

/** What a campaign found. */
export interface CampaignReport {
  readonly seed: number;
  readonly count: number;
  readonly counts: Record<Outcome, number>;
  readonly byTarget: Record<string, Partial<Record<Outcome, number>>>;
  readonly failures: Failure[];
  readonly signatures: number;
  readonly maxPeakMiB: number;
  readonly slowestMs: number;
  readonly wallMs: number;
}

const CHILD = new URL("./child.ts", import.meta.url).pathname;
const REPO = new URL("../../", import.meta.url).pathname;

/** A child process that runs jobs one at a time. */
class Child {
  readonly process: Deno.ChildProcess;
  readonly #lines: AsyncIterator<string>;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  runs = 0;

  constructor(scratch: string, memoryLimitMiB: number) {
    const process = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--v8-flags=--max-old-space-size=${memoryLimitMiB}`,
        "--allow-read",
        `--allow-write=${scratch}`,
        "--allow-run=/usr/bin/python3,python3",
        "--allow-env",
        CHILD,
      ],
      cwd: REPO,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.process = process;
    this.#writer = process.stdin.getWriter();
    this.#lines = process.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(
      lineSplitter(),
    )[Symbol.asyncIterator]();
    (async () => {
      for await (const t of process.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + t).slice(-4000);
      }
    })().catch(() => {});
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  async send(job: Job): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(job) + "\n"));
  }

  next(): Promise<IteratorResult<string>> {
    return this.#lines.next();
  }

  async close(): Promise<void> {
    try {
      await this.#writer.close();
    } catch { /* already gone */ }
    await this.process.status;
  }

  async kill(): Promise<void> {
    try {
      this.process.kill("SIGKILL");
    } catch { /* already exited */ }
    try {
      await this.#writer.abort();
    } catch { /* closed */ }
    await this.process.status;
  }
}

function lineSplitter(): TransformStream<string, string> {
  let pending = "";
  return new TransformStream({
    transform(chunk, controller) {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        controller.enqueue(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
      }
    },
    flush(controller) {
      if (pending) controller.enqueue(pending);
    },
  });
}

/** A memory figure of a process from /proc (`VmRSS`, `VmHWM`), in MiB; 0 where unavailable. */
function procMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? "0") / 1024;
  } catch {
    return 0;
  }
}

/** Resets a process's peak memory (`VmHWM`) to its current size (Linux 4.0+). */
function resetPeak(pid: number): void {
  try {
    Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch { /* not Linux: the peak covers the child's whole life */ }
}

/** Runs one job in `child`, watching time and memory; resolves with the result or why it was killed. */
async function runInChild(
  child: Child,
  job: Job,
  timeLimitMs: number,
  memoryLimitMiB: number,
): Promise<{ result: JobResult | null; killed: "hang" | "memory" | "exit" | null }> {
  const pid = child.process.pid;
  resetPeak(pid);
  const baseline = procMiB(pid, "VmRSS");
  await child.send(job);
  const line = child.next();
  let killed: "hang" | "memory" | null = null;
  const started = Date.now();
  const watch = new Promise<"killed">((resolve) => {
    const timer = setInterval(() => {
      if (Date.now() - started > timeLimitMs) killed = "hang";
      else if (procMiB(pid, "VmRSS") - baseline > memoryLimitMiB) killed = "memory";
      if (killed) {
        clearInterval(timer);
        resolve("killed");
      }
    }, 25);
    line.finally(() => clearInterval(timer));
  });
  const first = await Promise.race([line, watch]);
  if (first === "killed") {
    await child.kill();
    return { result: null, killed };
  }
  if (first.done) {
    const oom = /out of memory|heap limit|allocation failed/i.test(child.stderrTail);
    return { result: null, killed: oom ? "memory" : "exit" };
  }
  const result = JSON.parse(first.value) as JobResult;
  const total = procMiB(pid, "VmHWM");
  const peak = Math.round(Math.max(0, total - baseline));
  return { result: { ...result, peakMiB: peak, processPeakMiB: Math.round(total) }, killed: null };
}

const ALL_OUTCOMES: Outcome[] = [
  "clean-error",
  "crash-like",
  "hang",
  "memory",
  "write-outside",
  "accept-same",
  "accept-valid",
  "accept-suspect",
  "accept-unjudged",
];

/**
 * Runs a fuzz campaign: `count` inputs made from the reference fixtures with `seed`, each run in
 * a child process with a time and memory limit, every outcome classified, and a reproducer saved
 * in `outDir/repro` for each new failure signature.
 */
export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const t0 = Date.now();
  const concurrency = options.concurrency ?? 2;
  const timeLimitMs = options.timeLimitMs ?? 10_000;
  const memoryLimitMiB = options.memoryLimitMiB ?? 768;
  const perChild = options.inputsPerChild ?? 40;
  const out = options.outDir.replace(/\/$/, "");
  const inputsDir = `${out}/inputs`;
  const scratch = `${out}/scratch`;
  for (const d of [inputsDir, scratch, `${out}/repro`]) await Deno.mkdir(d, { recursive: true });
  const caseDirs: string[] = [];
  for (const dir of options.fixturesDirs) {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isDirectory) continue;
      const files = ["case.json", "model.keras", "model.h5", "model.weights.h5"];
      const ok = await Promise.all(
        files.map((f) => Deno.stat(`${dir}/${e.name}/${f}`).then(() => true, () => false)),
      );
      if (ok.every(Boolean)) caseDirs.push(`${dir}/${e.name}`);
    }
  }
  caseDirs.sort();
  const counts = Object.fromEntries(ALL_OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  const byTarget: Record<string, Partial<Record<Outcome, number>>> = {};
  const failures: Failure[] = [];
  const signatures = new Set<string>();
  let maxPeakMiB = 0;
  let slowestMs = 0;
  let nextIndex = 0;
  let done = 0;

  const lane = async (): Promise<void> => {
    let child: Child | null = null;
    while (nextIndex < options.count) {
      const index = nextIndex++;
      const workDir = `${scratch}/${index}`;
      const { job, bytes } = await makeJob(options.seed, index, caseDirs, inputsDir, workDir);
      if (bytes && job.file) await Deno.writeFile(job.file, bytes);
      if (!child || child.runs >= perChild) {
        await child?.close();
        child = new Child(scratch, memoryLimitMiB);
      }
      child.runs++;
      // The CLI starts a worker pool: give it three times as long. A timeout is run again in a
      // fresh child: a hang is a timeout that repeats (not a slow moment of a loaded machine).
      const limit = job.target === "cli" ? 3 * timeLimitMs : timeLimitMs;
      let { result, killed } = await runInChild(child, job, limit, memoryLimitMiB);
      if (killed === "hang") {
        child = new Child(scratch, memoryLimitMiB);
        ({ result, killed } = await runInChild(child, job, limit, memoryLimitMiB));
      }
      if (killed) child = null;
      const { outcome, detail } = classify(job, result, killed, memoryLimitMiB);
      counts[outcome]++;
      (byTarget[job.target] ??= {})[outcome] = (byTarget[job.target][outcome] ?? 0) + 1;
      if (result) {
        maxPeakMiB = Math.max(maxPeakMiB, result.peakMiB);
        slowestMs = Math.max(slowestMs, result.ms);
      }
      const message = result?.message ?? result?.note ?? detail;
      let reproducer: string | null = null;
      if (FAILURES.includes(outcome)) {
        const sig = signature(job, outcome, `${detail} ${message}`);
        if (!signatures.has(sig)) {
          signatures.add(sig);
          reproducer = await saveReproducer(out, job, bytes, outcome, detail, message, sig);
        }
        failures.push({ index, outcome, detail, mutation: job.mutation, message, reproducer });
      } else if (job.file && job.file.startsWith(inputsDir)) {
        await Deno.remove(job.file).catch(() => {});
      }
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      options.onProgress?.(++done, options.count);
    }
    await child?.close();
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const report: CampaignReport = {
    seed: options.seed,
    count: options.count,
    counts,
    byTarget,
    failures,
    signatures: signatures.size,
    maxPeakMiB,
    slowestMs,
    wallMs: Date.now() - t0,
  };
  await Deno.writeTextFile(`${out}/report.json`, JSON.stringify(report, null, 2) + "\n");
  return report;
}

async function saveReproducer(
  out: string,
  job: Job,
  bytes: Uint8Array | undefined,
  outcome: Outcome,
  detail: string,
  message: string,
  sig: string,
): Promise<string> {
  const dir = `${out}/repro/${String(job.index).padStart(5, "0")}-${outcome}`;
  await Deno.mkdir(dir, { recursive: true });
  let replay: Job = job;
  if (bytes && job.file) {
    const name = job.file.split("/").pop()!;
    await Deno.writeFile(`${dir}/${name}`, bytes);
    replay = {
      ...job,
      file: `${dir}/${name}`,
      label: job.label.replace(job.file, `${dir}/${name}`),
    };
  }
  if (job.target === "cli") {
    await Deno.copyFile(`${job.workDir}/x.npy`, `${dir}/x.npy`).catch(() => {});
    replay = {
      ...replay,
      workDir: dir,
      label: replay.label.replace(`${job.workDir}/x.npy`, `${dir}/x.npy`),
    };
  }
  await Deno.writeTextFile(`${dir}/job.json`, JSON.stringify(replay, null, 2) + "\n");
  await Deno.writeTextFile(
    `${dir}/README.txt`,
    `${outcome}: ${detail}\nsignature: ${sig}\nmutation: ${job.mutation}\nmessage: ${message}\n\nreplay: deno task fuzz --replay ${dir}/job.json\n`,
  );
  return dir;
}

/** Runs one saved job (a reproducer's `job.json`) in a child and returns its classification. */
export async function replayJob(
  jobPath: string,
  options: { timeLimitMs?: number; memoryLimitMiB?: number } = {},
): Promise<{ outcome: Outcome; detail: string; result: JobResult | null }> {
  const job = JSON.parse(await Deno.readTextFile(jobPath)) as Job;
  const memoryLimitMiB = options.memoryLimitMiB ?? 768;
  const scratch = await Deno.makeTempDir({ prefix: "kerno-replay-" });
  const workDir = `${scratch}/0`;
  const child = new Child(scratch, memoryLimitMiB);
  try {
    const replay = { ...job, workDir };
    if (job.target === "cli") {
      await Deno.mkdir(workDir, { recursive: true });
      await Deno.copyFile(`${job.workDir}/x.npy`, `${workDir}/x.npy`).catch(() => {});
    }
    const { result, killed } = await runInChild(
      child,
      replay,
      options.timeLimitMs ?? 10_000,
      memoryLimitMiB,
    );
    if (!killed) await child.close();
    return { ...classify(replay, result, killed, memoryLimitMiB), result };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}
