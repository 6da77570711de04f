/**
 * `kerno join`: concatenates `.npy` slices (the outputs of `kerno predict --shard` or `--rows`
 * runs) along their first axis into one file, streaming.
 *
 * @module
 */
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { joinNpyFiles, removeStalePartials } from "@kerno/io";
import type { CommandIO } from "./_io.ts";
import { checkOutputFiles } from "./_paths.ts";
import { JOIN_HELP, UsageError } from "./_usage.ts";

const COMMAND = "join";

/**
 * Runs `kerno join` with `args` (after the command name); resolves with the exit code.
 * Usage mistakes throw a {@linkcode UsageError}; other failures throw their error.
 */
export async function joinCommand(args: string[], io: CommandIO): Promise<number> {
  const { values: v, positionals: parts } = parseArgs({
    args,
    options: {
      output: { type: "string", short: "o" },
      quiet: { type: "boolean", short: "q" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (v.help) {
    io.stdout.write(JOIN_HELP + "\n");
    return 0;
  }
  if (!v.output) throw new UsageError("missing --output", COMMAND);
  if (parts.length === 0) throw new UsageError("no .npy files to join were given", COMMAND);
  if (!v.output.endsWith(".npy")) {
    throw new UsageError(`--output must be a .npy file, received "${v.output}"`, COMMAND);
  }
  if (parts.includes(v.output)) {
    throw new UsageError(`--output ${v.output} is also one of the files to join`, COMMAND);
  }
  for (const part of parts) {
    const info = await Deno.stat(part).catch(() => null);
    if (!info?.isFile) throw new Error(`file to join not found: ${part}`);
  }
  await checkOutputFiles([v.output]);
  await removeStalePartials(dirname(v.output));
  const shape = await joinNpyFiles(parts, v.output);
  if (!v.quiet) {
    io.stdout.write(
      `joined ${parts.length} file(s) into ${v.output}: shape (${shape.join(", ")}${
        shape.length === 1 ? "," : ""
      })\n`,
    );
  }
  return 0;
}
