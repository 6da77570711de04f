/**
 * `kerno predict`: .npy inputs in, .npy outputs out, batch spread over a worker pool. Inputs
 * are read a window of rows at a time and outputs appended to files whose headers are written
 * first, so memory does not grow with the number of rows; `--rows` / `--shard` compute one
 * slice of the rows, for jobs spread over several processes or machines.
 *
 * @module
 */
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { isStatefulModel, WorkerPool } from "@kerno/executor";
import { removeStalePartials } from "@kerno/io";
import { type CommandIO, positiveInt } from "./_io.ts";
import { tensorNames } from "./_describe.ts";
import { openModel, specNames } from "./_load.ts";
import { joinDashValues } from "./_args.ts";
import { checkInputFiles, checkOutputFiles, outputFormat } from "./_paths.ts";
import { parseSlice, resolveSlice } from "./_slice.ts";
import {
  type InputFiles,
  NpyOutputs,
  NpzOutput,
  openInputs,
  type OutputSink,
  readWindows,
  uniqueKeys,
} from "./_stream.ts";
import { formatRate, ProgressReporter } from "./progress.ts";
import { PREDICT_HELP, UsageError } from "./_usage.ts";
import { backendLine, takeBlasFlag } from "./_blas_flag.ts";

const COMMAND = "predict";
/** Rows per model call when `--batch-size` is not given (Keras's default). */
const DEFAULT_BATCH = 32;
/** Input bytes per window when `--window-rows` is not given. */
const WINDOW_BYTES = 64 * 2 ** 20;
/** Windows read ahead of the one being written: the next is read while the pool runs one. */
const IN_FLIGHT = 2;

function parse(args: string[]) {
  return parseArgs({
    args: joinDashValues(args, { w: "workers", b: "batch-size" }),
    options: {
      model: { type: "string", short: "m" },
      weights: { type: "string" },
      input: { type: "string", short: "i", multiple: true },
      output: { type: "string", short: "o", multiple: true },
      workers: { type: "string", short: "w" },
      oversubscribe: { type: "boolean" },
      deterministic: { type: "boolean" },
      "batch-size": { type: "string", short: "b" },
      rows: { type: "string" },
      shard: { type: "string" },
      "window-rows": { type: "string" },
      setup: { type: "string", multiple: true },
      quiet: { type: "boolean", short: "q" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  }).values;
}

/**
 * Rows per window: as many whole batches as fit in {@linkcode WINDOW_BYTES} of input (at least
 * one batch).
 */
function defaultWindowRows(files: InputFiles, batch: number): number {
  const bytesPerRow = files.readers.reduce(
    (n, r) => n + 4 * r.shape.slice(1).reduce((a, b) => a * b, 1),
    0,
  );
  const batches = Math.floor(WINDOW_BYTES / Math.max(1, bytesPerRow) / batch);
  return Math.max(1, batches) * batch;
}

/**
 * Runs `kerno predict` with `args` (after the command name); resolves with the exit code.
 * Usage mistakes throw a {@linkcode UsageError}; other failures throw their error.
 */
export async function predictCommand(args: string[], io: CommandIO): Promise<number> {
  const { rest, blas } = takeBlasFlag(args);
  const v = parse(rest);
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
  const windowRows = positiveInt(v["window-rows"], "--window-rows", COMMAND);
  const request = parseSlice(v.rows, v.shard);
  const format = outputFormat(outputs, COMMAND);
  await checkInputFiles(inputs);
  await checkOutputFiles(outputs);

  const setup = v.setup ?? [];
  const model = await openModel(v.model, {
    weights: v.weights,
    needsWeights: true,
    command: COMMAND,
    setup,
  });
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
      `the model has ${outNames.length} output(s) (${tensorNames(model.outputs).join(", ")}), ` +
        `but ${outputs.length} --output file(s) were given (or give one .npz for all)`,
      COMMAND,
    );
  }
  if (request.kind !== "all" && isStatefulModel(model)) {
    throw new UsageError(
      `--${request.kind} cannot be used with a stateful model: its state runs from the first ` +
        `row to the last, so a slice would start from the wrong state`,
      COMMAND,
    );
  }
  using files = await openInputs(inputs, model.inputs, inNames, model.name ?? "model");
  const batch = batchSize ?? DEFAULT_BATCH;
  const slice = resolveSlice(request, files.rows, batch);
  const rows = slice.end - slice.start;
  const perWindow = windowRows ?? defaultWindowRows(files, batch);

  for (const dir of new Set(outputs.map((o) => dirname(o)))) await removeStalePartials(dir);
  const sink: OutputSink = asNpz
    ? new NpzOutput(outputs[0], uniqueKeys(outNames), model.outputs)
    : await NpyOutputs.create(outputs, model.outputs, outNames, rows);
  let seconds = 0;
  let poolSize = 0;
  let onBlas = false;
  try {
    const count = workerCount(
      workers,
      v.oversubscribe ?? false,
      rows,
      batchSize,
      v.quiet ? null : io,
    );
    await using pool = await WorkerPool.create({
      workers: count,
      oversubscribe: v.oversubscribe,
      blas,
      setup,
    });
    poolSize = pool.size;
    onBlas = pool.blas.active;
    // When BLAS is off, the pool has already printed why.
    if (pool.blas.active && !v.quiet) io.stderr.write(backendLine(pool.blas) + "\n");
    const progress = v.quiet
      ? null
      : new ProgressReporter(io.stderr, { tty: io.stderrIsTerminal, total: rows });
    const started = performance.now();
    try {
      const windows = readWindows(
        files,
        model.inputs.map((s) => s.dtype),
        slice,
        perWindow,
        IN_FLIGHT,
      );
      const results = pool.predictBatchesFlat(model, windows, {
        inFlight: IN_FLIGHT,
        // An .npy sink has written each window away when it asks for the next.
        reuseOutputs: !asNpz,
        batchSize,
        deterministic: v.deterministic,
        onProgress: progress ? (p) => progress.update(p.rowsDone) : undefined,
      });
      for await (const ys of results) await sink.add(ys);
    } finally {
      progress?.finish();
    }
    await sink.commit();
    seconds = (performance.now() - started) / 1000;
  } catch (e) {
    await sink.abort();
    throw e;
  }
  if (!v.quiet) {
    const part = request.kind === "all" ? "" : ` (rows ${slice.start}:${slice.end})`;
    io.stdout.write(
      `predicted ${rows} sequences${part} in ${seconds.toFixed(2)} s: ` +
        `${formatRate(seconds > 0 ? rows / seconds : 0)} sequences/s (${poolSize} workers` +
        `${onBlas ? ", BLAS" : ""})\n`,
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
