/**
 * `kerno predict`: .npy inputs in, .npy outputs out, batch spread over a worker pool.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { WorkerPool } from "@kerno/executor";
import { writeFileAtomic, writeNpy, writeNpz } from "@kerno/io";
import type { Tensor } from "@kerno/tensor";
import { type CommandIO, positiveInt, readInput } from "./_io.ts";
import { openModel, specNames } from "./_load.ts";
import { joinDashValues } from "./_args.ts";
import { checkInputFiles, checkOutputFiles, outputFormat } from "./_paths.ts";
import { formatRate, ProgressReporter } from "./progress.ts";
import { PREDICT_HELP, UsageError } from "./_usage.ts";

const COMMAND = "predict";

/** Keras's default batch size, which `--batch-size` overrides. */
const DEFAULT_BATCH = 32;

function parse(args: string[]) {
  return parseArgs({
    args: joinDashValues(args, { w: "workers", b: "batch-size" }),
    options: {
      model: { type: "string", short: "m" },
      input: { type: "string", short: "i", multiple: true },
      output: { type: "string", short: "o", multiple: true },
      workers: { type: "string", short: "w" },
      oversubscribe: { type: "boolean" },
      "batch-size": { type: "string", short: "b" },
      quiet: { type: "boolean", short: "q" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  }).values;
}

/**
 * Runs `kerno predict` with `args` (after the command name); resolves with the exit code.
 * Usage mistakes throw a {@linkcode UsageError}; other failures throw their error.
 */
export async function predictCommand(args: string[], io: CommandIO): Promise<number> {
  const v = parse(args);
  if (v.help) {
    io.stdout.write(PREDICT_HELP + "\n");
    return 0;
  }
  if (!v.model) throw new UsageError("missing --model", COMMAND);
  const inputs = v.input ?? [];
  const outputs = v.output ?? [];
  if (inputs.length === 0) throw new UsageError("missing --input", COMMAND);
  if (outputs.length === 0) throw new UsageError("missing --output", COMMAND);
  const workers = positiveInt(v.workers, "--workers", COMMAND);
  const batchSize = positiveInt(v["batch-size"], "--batch-size", COMMAND);
  const format = outputFormat(outputs, COMMAND);
  await checkInputFiles(inputs);
  await checkOutputFiles(outputs);

  const model = await openModel(v.model);
  const inNames = specNames(model.inputs);
  if (inputs.length !== model.inputs.length) {
    throw new UsageError(
      `the model has ${inNames.length} input(s) (${inNames.join(", ")}), ` +
        `but ${inputs.length} --input file(s) were given`,
      COMMAND,
    );
  }
  const outNames = specNames(model.outputs);
  const asNpz = format === "npz";
  if (!asNpz && outputs.length !== model.outputs.length) {
    throw new UsageError(
      `the model has ${outNames.length} output(s) (${outNames.join(", ")}), ` +
        `but ${outputs.length} --output file(s) were given (or give one .npz for all)`,
      COMMAND,
    );
  }
  const xs: Tensor[] = [];
  for (let i = 0; i < inputs.length; i++) {
    xs.push(await readInput(inputs[i], model.inputs[i].dtype));
  }
  const rows = xs[0].shape[0] ?? 0;

  const poolSize = workerCount(
    workers,
    v.oversubscribe ?? false,
    rows,
    batchSize,
    v.quiet ? null : io,
  );
  await using pool = await WorkerPool.create({ workers: poolSize, oversubscribe: v.oversubscribe });
  const progress = v.quiet
    ? null
    : new ProgressReporter(io.stderr, { tty: io.stderrIsTerminal, total: rows });
  const started = performance.now();
  let ys: Tensor[];
  try {
    ys = await pool.predictFlat(model, xs, {
      batchSize,
      onProgress: progress ? (p) => progress.update(p.rowsDone) : undefined,
    });
  } finally {
    progress?.finish();
  }
  const seconds = (performance.now() - started) / 1000;

  if (asNpz) {
    const arrays: Record<string, Tensor> = {};
    ys.forEach((y, i) => (arrays[uniqueKey(arrays, outNames[i])] = y));
    await writeFileAtomic(outputs[0], writeNpz(arrays));
  } else {
    for (let i = 0; i < ys.length; i++) await writeFileAtomic(outputs[i], writeNpy(ys[i]));
  }
  if (!v.quiet) {
    io.stdout.write(
      `predicted ${rows} sequences in ${seconds.toFixed(2)} s: ` +
        `${formatRate(seconds > 0 ? rows / seconds : 0)} sequences/s (${pool.size} workers)\n`,
    );
  }
  return 0;
}

/**
 * Workers worth starting: the requested count (default: the cores), at most the cores unless
 * `oversubscribe`, and never more than the batches there are to run. Notes each cap on stderr.
 */
function workerCount(
  requested: number | undefined,
  oversubscribe: boolean,
  rows: number,
  batchSize = DEFAULT_BATCH,
  io: CommandIO | null,
): number {
  const cores = navigator.hardwareConcurrency ?? 1;
  let n = requested ?? cores;
  if (n > cores && !oversubscribe) {
    io?.stderr.write(
      `kerno predict: --workers ${n} capped at ${cores}, the number of cores ` +
        `(--oversubscribe starts them all)\n`,
    );
    n = cores;
  }
  const batches = Math.max(1, Math.ceil(rows / batchSize));
  if (n > batches) {
    if (requested !== undefined) {
      io?.stderr.write(
        `kerno predict: ${batches} worker(s) for ${rows} rows ` +
          `(${batches} batch(es) of --batch-size ${batchSize})\n`,
      );
    }
    n = batches;
  }
  return n;
}

function uniqueKey(taken: Record<string, unknown>, name: string): string {
  let key = name;
  for (let i = 1; key in taken; i++) key = `${name}_${i}`;
  return key;
}
