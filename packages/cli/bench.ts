/**
 * `kerno bench`: single-thread `model.predict` next to the worker pool on one random batch.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { WorkerPool } from "@kerno/executor";
import { blasStatus, Random, Tensor } from "@kerno/tensor";
import { type CommandIO, positiveInt } from "./_io.ts";
import { joinDashValues } from "./_args.ts";
import { type CliModel, openModel, specNames } from "./_load.ts";
import { formatRate } from "./progress.ts";
import { BENCH_HELP, UsageError } from "./_usage.ts";
import { arithmeticLine, backendLine, takeBlasFlag } from "./_blas_flag.ts";

const COMMAND = "bench";

/** Random float32 inputs in [-1, 1) for `model`, `batch` rows, open timesteps set to `timesteps`. */
export function randomInputs(model: CliModel, batch: number, timesteps: number): Tensor[] {
  const rng = new Random(1234);
  return model.inputs.map((spec, i) => {
    if (spec.dtype !== "float32") {
      throw new TypeError(
        `bench draws float32 inputs only; input ${i} (${
          specNames(model.inputs)[i]
        }) is ${spec.dtype}`,
      );
    }
    const shape = spec.shape.map((d, j) => (j === 0 ? batch : d ?? timesteps));
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    for (let k = 0; k < size; k++) data[k] = rng.uniform(-1, 1);
    return new Tensor(data, shape);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(run: () => unknown, iterations: number): Promise<number> {
  await run(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

/** Runs `kerno bench` with `args`; resolves with the exit code. */
export async function benchCommand(args: string[], io: CommandIO): Promise<number> {
  const { rest, blas } = takeBlasFlag(args);
  const { values: v } = parseArgs({
    args: joinDashValues(rest, { n: "batch", t: "timesteps", w: "workers", k: "iterations" }),
    options: {
      model: { type: "string", short: "m" },
      weights: { type: "string" },
      batch: { type: "string", short: "n" },
      timesteps: { type: "string", short: "t" },
      workers: { type: "string", short: "w" },
      iterations: { type: "string", short: "k" },
      setup: { type: "string", multiple: true },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
  if (v.help) {
    io.stdout.write(BENCH_HELP + "\n");
    return 0;
  }
  if (!v.model) throw new UsageError("missing --model", COMMAND);
  const batch = positiveInt(v.batch, "--batch", COMMAND) ?? 256;
  const timesteps = positiveInt(v.timesteps, "--timesteps", COMMAND) ?? 50;
  const workers = positiveInt(v.workers, "--workers", COMMAND);
  const iterations = positiveInt(v.iterations, "--iterations", COMMAND) ?? 3;
  const model = await openModel(v.model, {
    weights: v.weights,
    needsWeights: false,
    command: COMMAND,
    setup: v.setup,
  });
  const xs = randomInputs(model, batch, timesteps);
  await using pool = await WorkerPool.create({ workers, blas, setup: v.setup });
  io.stdout.write(backendLine(blas !== undefined ? pool.blas : blasStatus()) + "\n");
  io.stdout.write(arithmeticLine() + "\n");
  const backend = blas === undefined ? undefined : pool.blas.active ? blas : false;
  const single = await time(() => model.predictFlat(xs, { blas: backend }), iterations);
  const pooled = await time(() => pool.predictFlat(model, xs), iterations);
  const line = (what: string, ms: number) =>
    `${what.padEnd(22)} ${ms.toFixed(1).padStart(9)} ms  ${
      formatRate((batch * 1000) / ms).padStart(10)
    } seq/s\n`;
  io.stdout.write(line("single thread", single));
  io.stdout.write(line(`pool (${pool.size} workers)`, pooled));
  io.stdout.write(`speed-up ${(single / pooled).toFixed(2)}x (median of ${iterations} runs)\n`);
  return 0;
}
