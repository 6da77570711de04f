/**
 * Usage errors (exit code 2) and the help texts of every command.
 *
 * @module
 */

/** A mistake in the command line: printed with a hint to `--help`, exit code 2. */
export class UsageError extends Error {
  /** The command it concerns (`predict`), or `null` for the top level. */
  readonly command: string | null;

  /** Creates the error for `command`. */
  constructor(message: string, command: string | null = null) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/** `kerno --help`. */
export const MAIN_HELP =
  `kerno — run Keras recurrent models (SimpleRNN, LSTM, GRU, Bidirectional) from TypeScript

Usage:
  kerno <command> [options]

Commands:
  predict   Run a model on .npy inputs and write .npy outputs, on all cores
  join      Concatenate .npy slices (from predict --shard or --rows) into one file
  summary   Print the Keras summary table of a model file
  bench     Measure sequences per second of a model on random inputs

Options:
  -h, --help      Show this help (or a command's: kerno predict --help)
  -V, --version   Print the version
      --verbose   Print stack traces on failure
      --limit NAME=VALUE
                  Raise or lower one of Kerno's limits on what a file may make it allocate:
                  maxWeightTensorBytes, maxTotalWeightBytes, maxEntryBytes (bytes, or with
                  KiB/MiB/GiB), maxCompressionRatio, maxJsonDepth, maxPredictInputValues,
                  maxActivationBytes

Exit codes: 0 success, 1 failure (one-line reason on stderr), 2 bad usage.`;

/** `kerno predict --help`. */
export const PREDICT_HELP = `kerno predict — run a model on .npy inputs and write .npy outputs

Usage:
  kerno predict --model MODEL --input X.npy [--input X2.npy ...] --output Y.npy [--output Y2.npy ...]
  kerno predict --model model.json --weights w.h5 --input X.npy --output Y.npy

Options:
  -m, --model PATH       Model file: .keras, a legacy .h5 full-model file, or a JSON config
                         (model.to_json(), Keras 2 or 3), which needs --weights
      --weights PATH     Weights of a JSON config: the .h5 of Keras 2's model.save_weights
                         (matched by layer order, as Keras does), a Keras 3 .weights.h5 or a
                         .keras; with a .keras or .h5 model, they replace the file's own
  -i, --input PATH       One .npy per model input, in the model's input order
  -o, --output PATH      One .npy per flat model output, in order; or a single .npz for all
  -w, --workers N        Worker threads (default: all cores; at most the cores and the batches)
      --oversubscribe    Start --workers N even when N is more than the cores
  -b, --batch-size B     Rows per model call inside a worker (default 32, as in Keras)
      --rows START:END   Compute only rows START..END-1 of the inputs (either may be left
                         out; END past the last row stops at it)
      --shard I/N        Compute only shard I of N (I from 0): contiguous ranges of whole
                         batches, sizes within one batch of each other
      --window-rows R    Rows read and predicted at a time (default: whole batches filling
                         64 MiB of input); memory grows with it, not with the input's rows
      --blas [PATH]      Matrix products on a native BLAS (OpenBLAS, BLIS, Accelerate; or the
                         library at PATH), one BLAS thread per worker; needs --allow-ffi.
                         KERNO_BLAS=1 (or =PATH) does the same. Falls back to the WebAssembly
                         core with a one-line reason when the library cannot be used
      --deterministic    Round every product and sum separately: the same bits on every CPU,
                         with or without FMA (default: fused multiply-adds where the CPU has
                         them, a little faster). KERNO_DETERMINISTIC=1 does the same
      --setup MODULE.ts  A module exporting the model's Lambda bodies (lambdas, by layer
                         name) and layer classes of your own (customObjects, by Keras class
                         name); loaded here and in every worker. Repeatable
  -q, --quiet            No progress and no final line
      --verbose          Print stack traces on failure
  -h, --help             Show this help

Inputs are read a window at a time and each .npy output is written as it is computed, so
inputs larger than memory work; a .npz output is built in memory. Outputs are written under
a temporary name (NAME.kerno-partial-XXXX) and renamed into place only when every row
succeeded; temporary files left by a killed run are removed by the next run in that folder.
Progress goes to stderr (a bar on a terminal, plain lines otherwise); the final line, with
sequences per second, goes to stdout. Paths are checked before any work (inputs exist, output
folders exist, outputs end in .npy or a single .npz). Results are bit-identical to
model.predict(x) on the same backend (WebAssembly and BLAS differ in the last bits), and the slices of --shard or --rows runs, joined (kerno join), are
bit-identical to one run.`;

/** `kerno join --help`. */
export const JOIN_HELP = `kerno join — concatenate .npy files along their first axis

Usage:
  kerno join --output Y.npy PART0.npy PART1.npy ...

Joins the slices written by kerno predict --shard I/N (or --rows) in the order given, as
numpy.concatenate does, a chunk at a time: every part needs the same dtype and the same
shape after the first axis. The output appears only once complete.

Options:
  -o, --output PATH   The joined .npy file
  -q, --quiet         No final line
      --verbose       Print stack traces on failure
  -h, --help          Show this help`;

/** `kerno summary --help`. */
export const SUMMARY_HELP = `kerno summary — print the Keras summary table of a model file

Usage:
  kerno summary MODEL
  kerno summary model.json [--weights w.h5]

Prints Keras's summary table, then the inputs to build (name, shape with None for any size,
dtype; one .npy each for kerno predict, in that order) and the outputs it writes. MODEL is a
.keras, a legacy .h5, or a JSON config (model.to_json()): its table needs no weights.

Options:
  -m, --model PATH   The model file (instead of the positional argument)
      --weights PATH The weights file of a JSON config (save_weights .h5, .weights.h5 or
                     .keras), loaded and checked against it
      --setup MODULE.ts
                     A module exporting the model's Lambda bodies and layer classes of your
                     own (see kerno predict --help). Repeatable
      --verbose      Print stack traces on failure
  -h, --help         Show this help`;

/** `kerno bench --help`. */
export const BENCH_HELP = `kerno bench — sequences per second of a model on random inputs

Usage:
  kerno bench --model MODEL [--weights W] [--batch N] [--workers N] [--iterations K] [--blas [PATH]]

Runs single-thread model.predict and the worker pool on the same random batch (inputs in
[-1, 1]; unknown timesteps become --timesteps) and prints the medians after one warm-up run.

Options:
  -m, --model PATH       The model file (.keras, .h5, or a JSON config)
      --weights PATH     The weights of a JSON config (without them, the config's initialized
                         weights are timed)
  -n, --batch N          Rows per run (default 256)
  -t, --timesteps T      Timesteps where the model leaves them open (default 50)
  -w, --workers N        Pool workers (default: all cores)
  -k, --iterations K     Timed runs of each (default 3)
      --blas [PATH]      Run both on a native BLAS (see kerno predict --help); the first
                         line names the backend, library and kernel
      --setup MODULE.ts  Lambda bodies and layer classes of your own (see kerno predict --help)
      --verbose          Print stack traces on failure
  -h, --help             Show this help`;
