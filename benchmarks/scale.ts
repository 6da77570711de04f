/**
 * `deno task bench:scale [--gib 4] [--small-mib 256] [--units 128] [--dir /tmp] [--keep]`:
 * `kerno predict` on an input larger than it may hold, against the in-memory path.
 *
 * 1. Saves a W1-shaped model (LSTM(`--units`, default 128) on (50, 32) sequences, seeded
 *    weights) and writes two inputs of W1 rows (50 × 32 float32 = 6,400 bytes each, values in
 *    [-1, 1)): a big one of `--gib` GiB and a small one of `--small-mib` MiB. It checks the free
 *    space first (`df`) and deletes everything it wrote at the end unless `--keep`.
 * 2. Runs, each in its own process, in this order: the in-memory path on the small input
 *    (`benchmarks/_in_memory_predict.ts`: read all, one `pool.predictFlat`, write all),
 *    streaming `kerno predict` on the small input, streaming `kerno predict` on the big input,
 *    then the small pair again — so that load from elsewhere on the machine hits both sides.
 * 3. Prints rows/s, seconds and peak resident memory of each run (`/usr/bin/time -v`'s maximum
 *    resident set size when it exists, else the largest VmHWM read from /proc while polling),
 *    and rows per CPU-second of the process (with `/usr/bin/time`), which varies less than wall
 *    time when other work shares the machine,
 *    and the verdicts: the big run's peak RSS under 1 GiB, its throughput at least 0.95× the
 *    in-memory path's (the mean of its two runs).
 *
 * The page cache is left as it is: the input was just written, so it is read from memory when
 * the machine has room for it.
 *
 * @module
 */
import { Input, Sequential } from "@kerno/model";
import { LSTM, resetLayerNames } from "@kerno/layers";
import { NpyFileWriter, saveModel } from "@kerno/io";
import { Random, Tensor } from "@kerno/tensor";

const TIMESTEPS = 50;
const FEATURES = 32;
const ROW_BYTES = TIMESTEPS * FEATURES * 4;
const MIB = 2 ** 20;
const GIB = 2 ** 30;
const MAIN = new URL("../packages/cli/main.ts", import.meta.url).pathname;
const IN_MEMORY = new URL("./_in_memory_predict.ts", import.meta.url).pathname;

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && Deno.args[i + 1] !== undefined ? Deno.args[i + 1] : fallback;
}

const bigGiB = Number(option("gib", "4"));
const smallMiB = Number(option("small-mib", "256"));
const units = Number(option("units", "128"));
const dir = await Deno.makeTempDir({ dir: option("dir", "/tmp"), prefix: "kerno_scale_" });
const keep = Deno.args.includes("--keep");

async function freeBytes(path: string): Promise<number> {
  const out = await new Deno.Command("df", { args: ["-B1", "--output=avail", path] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1));
}

/** Writes `rows` W1 rows of uniform values in [-1, 1) as a .npy, a chunk at a time. */
async function writeInput(path: string, rows: number, seed: number): Promise<void> {
  const chunkRows = 4096;
  const rng = new Random(seed);
  const w = await NpyFileWriter.create(path, "float32", [rows, TIMESTEPS, FEATURES]);
  try {
    const data = new Float32Array(chunkRows * TIMESTEPS * FEATURES);
    for (let r = 0; r < rows; r += chunkRows) {
      const n = Math.min(chunkRows, rows - r);
      const part = data.subarray(0, n * TIMESTEPS * FEATURES);
      for (let i = 0; i < part.length; i++) part[i] = rng.uniform(-1, 1);
      await w.append(new Tensor(part, [n, TIMESTEPS, FEATURES]));
    }
    await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

interface Measured {
  label: string;
  rows: number;
  seconds: number;
  peakRssBytes: number;
  /** User + system CPU seconds of the whole process (0 without /usr/bin/time). */
  cpuSeconds: number;
}

const HAS_TIME = await Deno.stat("/usr/bin/time").then(() => true, () => false);

/** Runs `deno run <args>` and returns its stdout and peak resident memory. */
async function runMeasured(
  args: string[],
): Promise<{ stdout: string; peak: number; cpu: number }> {
  const denoArgs = ["run", "--allow-read", "--allow-write", "--allow-env", ...args];
  const cmd = HAS_TIME
    ? new Deno.Command("/usr/bin/time", {
      args: ["-v", Deno.execPath(), ...denoArgs],
      stdout: "piped",
      stderr: "piped",
    })
    : new Deno.Command(Deno.execPath(), { args: denoArgs, stdout: "piped", stderr: "piped" });
  const child = cmd.spawn();
  let polled = 0;
  const poll = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      polled = Math.max(polled, kb * 1024);
    } catch {
      // The process has just ended.
    }
  }, 200);
  const out = await child.output();
  clearInterval(poll);
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`deno ${args.join(" ")} failed:\n${stderr}`);
  const timed = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const user = Number(/User time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0);
  const system = Number(/System time \(seconds\): ([\d.]+)/.exec(stderr)?.[1] ?? 0);
  return { stdout, peak: timed ? Number(timed[1]) * 1024 : polled, cpu: user + system };
}

async function streaming(label: string, model: string, x: string, y: string): Promise<Measured> {
  const { stdout, peak, cpu } = await runMeasured([
    MAIN,
    "predict",
    "-m",
    model,
    "-i",
    x,
    "-o",
    y,
  ]);
  const m = /predicted (\d+) sequences in ([\d.]+) s/.exec(stdout);
  if (!m) throw new Error(`unexpected kerno predict output: ${stdout}`);
  return {
    label,
    rows: Number(m[1]),
    seconds: Number(m[2]),
    peakRssBytes: peak,
    cpuSeconds: cpu,
  };
}

async function inMemory(label: string, model: string, x: string, y: string): Promise<Measured> {
  const { stdout, peak, cpu } = await runMeasured([IN_MEMORY, model, x, y]);
  const r = JSON.parse(stdout.trim().split("\n").at(-1)!);
  return { label, rows: r.rows, seconds: r.seconds, peakRssBytes: peak, cpuSeconds: cpu };
}

const rate = (m: Measured) => m.rows / m.seconds;

try {
  const bigRows = Math.ceil((bigGiB * GIB) / ROW_BYTES);
  const smallRows = Math.ceil((smallMiB * MIB) / ROW_BYTES);
  const need = (bigRows + smallRows) * ROW_BYTES * 1.15 + GIB;
  const free = await freeBytes(dir);
  if (free < need) {
    throw new Error(
      `${dir} has ${(free / GIB).toFixed(1)} GiB free, the benchmark needs ${
        (need / GIB).toFixed(1)
      } GiB (pass --dir or a smaller --gib)`,
    );
  }
  console.log(`cpu: ${navigator.hardwareConcurrency} cores; files in ${dir}`);
  resetLayerNames();
  const model = new Sequential([Input({ shape: [TIMESTEPS, FEATURES] }), new LSTM(units)]);
  await saveModel(model, `${dir}/w1.keras`);
  let t = performance.now();
  await writeInput(`${dir}/small.npy`, smallRows, 1);
  await writeInput(`${dir}/big.npy`, bigRows, 2);
  console.log(
    `inputs: big ${bigRows} rows (${(bigRows * ROW_BYTES / GIB).toFixed(2)} GiB), small ` +
      `${smallRows} rows (${(smallRows * ROW_BYTES / MIB).toFixed(0)} MiB), written in ${
        ((performance.now() - t) / 1000).toFixed(1)
      } s; model LSTM(${units}) on (${TIMESTEPS}, ${FEATURES})`,
  );
  const runs: Measured[] = [];
  const say = (m: Measured) => {
    runs.push(m);
    console.log(
      `${m.label.padEnd(34)} ${String(m.rows).padStart(8)} rows ${
        m.seconds.toFixed(1).padStart(8)
      } s ${rate(m).toFixed(1).padStart(9)} rows/s  peak RSS ${
        (m.peakRssBytes / MIB).toFixed(0).padStart(5)
      } MiB  ${(m.rows / Math.max(m.cpuSeconds, 1e-9)).toFixed(1).padStart(9)} rows/CPU-s`,
    );
  };
  t = performance.now();
  const small = `${dir}/small.npy`;
  say(await inMemory("in-memory, small input (1)", `${dir}/w1.keras`, small, `${dir}/ys_mem.npy`));
  say(await streaming("streaming, small input (1)", `${dir}/w1.keras`, small, `${dir}/ys.npy`));
  const big = await streaming(
    "streaming, big input",
    `${dir}/w1.keras`,
    `${dir}/big.npy`,
    `${dir}/yb.npy`,
  );
  say(big);
  say(await inMemory("in-memory, small input (2)", `${dir}/w1.keras`, small, `${dir}/ys_mem.npy`));
  say(await streaming("streaming, small input (2)", `${dir}/w1.keras`, small, `${dir}/ys.npy`));
  const memBytes = await Deno.readFile(`${dir}/ys_mem.npy`);
  const streamBytes = await Deno.readFile(`${dir}/ys.npy`);
  const identical = memBytes.length === streamBytes.length &&
    memBytes.every((b, i) => b === streamBytes[i]);
  const memRate = (rate(runs[0]) + rate(runs[3])) / 2;
  const smallStreamRate = (rate(runs[1]) + rate(runs[4])) / 2;
  const ratio = rate(big) / memRate;
  console.log(`all runs: ${((performance.now() - t) / 1000).toFixed(0)} s`);
  const perCpu = (m: Measured) => m.rows / Math.max(m.cpuSeconds, 1e-9);
  if (runs.every((m) => m.cpuSeconds > 0)) {
    console.log(
      `rows per CPU-second (whole process, start-up included; steadier than wall time on a ` +
        `loaded machine): big streaming vs small in-memory ${
          (perCpu(big) / ((perCpu(runs[0]) + perCpu(runs[3])) / 2)).toFixed(3)
        }x`,
    );
  }
  console.log(
    `small input, streaming vs in-memory: ${(smallStreamRate / memRate).toFixed(3)}x ` +
      `(outputs ${identical ? "bit-identical" : "DIFFER"})`,
  );
  console.log(
    `big input: peak RSS ${(big.peakRssBytes / MIB).toFixed(0)} MiB (< 1024 MiB: ${
      big.peakRssBytes < GIB ? "yes" : "NO"
    }); throughput ${ratio.toFixed(3)}x the in-memory path on the small input (>= 0.95: ${
      ratio >= 0.95 ? "yes" : "NO"
    })`,
  );
} finally {
  if (!keep) await Deno.remove(dir, { recursive: true });
}
