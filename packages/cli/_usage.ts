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
  summary   Print the Keras summary table of a model file
  bench     Measure sequences per second of a model on random inputs

Options:
  -h, --help      Show this help (or a command's: kerno predict --help)
  -V, --version   Print the version
      --verbose   Print stack traces on failure

Exit codes: 0 success, 1 failure (one-line reason on stderr), 2 bad usage.`;

/** `kerno predict --help`. */
export const PREDICT_HELP = `kerno predict — run a model on .npy inputs and write .npy outputs

Usage:
  kerno predict --model MODEL --input X.npy [--input X2.npy ...] --output Y.npy [--output Y2.npy ...]

Options:
  -m, --model PATH       Model file: .keras, or a legacy .h5 full-model file
  -i, --input PATH       One .npy per model input, in the model's input order
  -o, --output PATH      One .npy per flat model output, in order; or a single .npz for all
  -w, --workers N        Worker threads (default: all cores; at most the cores and the batches)
      --oversubscribe    Start --workers N even when N is more than the cores
  -b, --batch-size B     Rows per model call inside a worker (default 32, as in Keras)
  -q, --quiet            No progress and no final line
      --verbose          Print stack traces on failure
  -h, --help             Show this help

Progress goes to stderr (a bar on a terminal, plain lines otherwise); the final line, with
sequences per second, goes to stdout. Paths are checked before any work (inputs exist, output
folders exist, outputs end in .npy or a single .npz). Outputs are written atomically, and only
when every row succeeded. Results are bit-identical to model.predict(x).`;

/** `kerno summary --help`. */
export const SUMMARY_HELP = `kerno summary — print the Keras summary table of a model file

Usage:
  kerno summary MODEL

Options:
  -m, --model PATH   The model file (instead of the positional argument)
      --verbose      Print stack traces on failure
  -h, --help         Show this help`;

/** `kerno bench --help`. */
export const BENCH_HELP = `kerno bench — sequences per second of a model on random inputs

Usage:
  kerno bench --model MODEL [--batch N] [--workers N] [--iterations K]

Runs single-thread model.predict and the worker pool on the same random batch (inputs in
[-1, 1]; unknown timesteps become --timesteps) and prints the medians after one warm-up run.

Options:
  -m, --model PATH       The model file
  -n, --batch N          Rows per run (default 256)
  -t, --timesteps T      Timesteps where the model leaves them open (default 50)
  -w, --workers N        Pool workers (default: all cores)
  -k, --iterations K     Timed runs of each (default 3)
      --verbose          Print stack traces on failure
  -h, --help             Show this help`;
