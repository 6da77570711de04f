/**
 * `@kerno/cli`: the `kerno` command — `predict` (.npy in, .npy out, on every core, streamed),
 * `join` (slices into one file), `summary` (the Keras table) and `bench` — as a function you
 * can call, {@linkcode main}.
 *
 * @example Run a model from the shell
 * ```sh
 * deno task kerno predict --model model.keras --input x.npy --output y.npy --workers 4
 * ```
 *
 * @example Call it from code
 * ```ts ignore
 * import { main } from "@kerno/cli";
 * const code = await main(["summary", "model.keras"]);
 * ```
 *
 * @module
 */
import { currentLimits, setDefaultLimits } from "@kerno/layers";
import { takeLimitOptions } from "./_limits.ts";
import { benchCommand } from "./bench.ts";
import { joinCommand } from "./join.ts";
import type { CommandIO } from "./_io.ts";
import { predictCommand } from "./predict.ts";
import type { TextSink } from "./progress.ts";
import { summaryCommand } from "./summary.ts";
import { MAIN_HELP, UsageError } from "./_usage.ts";

export type { TextSink };

/** The CLI version (the package's). */
export const VERSION = "0.1.0";

/** Where {@linkcode main} writes; defaults to the process's stdout and stderr. */
export interface MainOptions {
  /** Results. */
  stdout?: TextSink;
  /** Progress and errors. */
  stderr?: TextSink;
  /** Whether stderr is a terminal (default: asked of `Deno.stderr`). */
  stderrIsTerminal?: boolean;
}

type Command = (args: string[], io: CommandIO) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  predict: predictCommand,
  summary: summaryCommand,
  bench: benchCommand,
  join: joinCommand,
};

function processSink(file: { writeSync(p: Uint8Array): number }): TextSink {
  const enc = new TextEncoder();
  return {
    write(text: string) {
      const bytes = enc.encode(text);
      for (let off = 0; off < bytes.length;) off += file.writeSync(bytes.subarray(off));
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Runs the `kerno` command line `args` (without the program name) and resolves with the exit
 * code: 0 success, 1 failure (one line `kerno: error: …` on stderr; the stack too with
 * `--verbose`), 2 bad usage. It never calls `Deno.exit`.
 *
 * @example
 * ```ts ignore
 * const out: string[] = [];
 * const code = await main(["predict", "--help"], { stdout: { write: (t) => out.push(t) } });
 * // code === 0, out holds the help text
 * ```
 */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  const io: CommandIO = {
    stdout: options.stdout ?? processSink(Deno.stdout),
    stderr: options.stderr ?? processSink(Deno.stderr),
    stderrIsTerminal: options.stderrIsTerminal ??
      (options.stderr ? false : Deno.stderr.isTerminal()),
  };
  const verbose = args.includes("--verbose");
  let command: string | null = null;
  const savedLimits = { ...currentLimits() };
  try {
    const { rest: commandLine, limits } = takeLimitOptions(args);
    setDefaultLimits(limits);
    const [name, ...rest] = commandLine;
    if (name === undefined) {
      io.stderr.write(MAIN_HELP + "\n");
      return 2;
    }
    if (name === "-h" || name === "--help" || name === "help") {
      io.stdout.write(MAIN_HELP + "\n");
      return 0;
    }
    if (name === "-V" || name === "--version") {
      io.stdout.write(`kerno ${VERSION}\n`);
      return 0;
    }
    const run = COMMANDS[name];
    if (!run) {
      throw new UsageError(
        name.startsWith("-")
          ? `unknown option ${name} (expected a command first)`
          : `unknown command "${name}" (expected one of: ${Object.keys(COMMANDS).join(", ")})`,
      );
    }
    command = name;
    return await run(rest, io);
  } catch (e) {
    const parseError = e instanceof TypeError &&
      String((e as { code?: string }).code ?? "").startsWith("ERR_PARSE_ARGS");
    if (e instanceof UsageError || parseError) {
      const cmd = e instanceof UsageError ? e.command ?? command : command;
      const where = cmd ? `kerno ${cmd}` : "kerno";
      io.stderr.write(`${where}: ${oneLine((e as Error).message)}\n`);
      io.stderr.write(`Run "${where} --help" for usage.\n`);
      return 2;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`kerno: error: ${oneLine(err.message)}\n`);
    if (verbose && err.stack) io.stderr.write(err.stack + "\n");
    return 1;
  } finally {
    setDefaultLimits(savedLimits);
  }
}
