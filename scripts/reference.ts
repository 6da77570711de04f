/**
 * `deno task reference [DIR] [--source config|keras|h5|weights|file|pair] [--filter REGEX]`: the
 * reference-output suite. For every case folder in DIR (default `tests/fixtures/keras`) it builds
 * the model Keras built, loads the weights, runs the recorded inputs (and extra runs, in order),
 * and compares every output with `|got − want| ≤ 1e-5 + 1e-5·|want|`, plus shapes, parameter
 * counts, weight paths and the summary table. Then it checks the `errors.json` and
 * `param_counts.json` entries. It prints one line per entry (`PASS <case> max_abs_diff=<x>` or
 * `FAIL <case> <reason>`), then `N passed, N failed`, and exits with 1 on any failure (2 on a
 * usage error or an unavailable source).
 *
 * `--source` picks where each case's model comes from: `config` (default: `model_config` and
 * `weights` of `case.json`), `keras` (`model.keras`), `h5` (legacy `model.h5`), `weights`
 * (`model_config` + `model.weights.h5`), `file` (the folder's model file) or `pair` (the JSON
 * config + `save_weights` file taken from `model.h5` or the folder's model file, loaded as
 * `loadModel(json, { weights })`); the last five are read by `@kerno/io`. `--filter REGEX` keeps the entries whose name matches.
 *
 * @module
 */
import {
  type ModelSource,
  parseSource,
  SourceUnavailableError,
} from "./_reference/load_case_model.ts";
import { formatResult } from "./_reference/run_case.ts";
import { runSuite } from "./_reference/suite.ts";

/** The folder the suite reads when none is given: `tests/fixtures/keras` in this repository. */
export const DEFAULT_DIR: string = decodeURIComponent(
  new URL("../tests/fixtures/keras", import.meta.url).pathname,
);

interface Args {
  dir: string;
  source: ModelSource;
  filter?: RegExp;
}

const USAGE =
  "usage: reference.ts [DIR] [--source config|keras|h5|weights|file|pair] [--filter REGEX]";

function parseArgs(args: string[]): Args {
  const out: Args = { dir: DEFAULT_DIR, source: "config" };
  let dirSeen = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const [flag, inline] = a.startsWith("--") ? a.split(/=(.*)/s, 2) : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new RangeError(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    if (flag === "--source") out.source = parseSource(value());
    else if (flag === "--filter") out.filter = new RegExp(value());
    else if (flag === "--help" || flag === "-h") throw new RangeError(USAGE);
    else if (!a.startsWith("-") && !dirSeen) {
      out.dir = a.replace(/\/+$/, "");
      dirSeen = true;
    } else throw new RangeError(`Unknown argument "${a}". ${USAGE}`);
  }
  return out;
}

/** Runs the command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let parsed: Args;
  try {
    parsed = parseArgs(args);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  try {
    const stat = await Deno.stat(parsed.dir);
    if (!stat.isDirectory) throw new Error("not a directory");
  } catch (e) {
    console.error(`Cannot read the case folder ${parsed.dir}: ${(e as Error).message}`);
    return 2;
  }
  try {
    const summary = await runSuite(parsed.dir, {
      source: parsed.source,
      filter: parsed.filter,
      onResult: (r) => console.log(formatResult(r)),
    });
    if (summary.skipped > 0) console.log(`(${summary.skipped} skipped)`);
    console.log(`${summary.passed} passed, ${summary.failed} failed`);
    return summary.failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof SourceUnavailableError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
