/**
 * `kerno summary`: the Keras summary table of a model file (or of a JSON config, with or without
 * its weights), then each input's name, shape and dtype and each output's name, shape and dtype
 * (what `kerno predict` reads and writes).
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { CommandIO } from "./_io.ts";
import { describeIO } from "./_describe.ts";
import { openModel } from "./_load.ts";
import { SUMMARY_HELP, UsageError } from "./_usage.ts";

const COMMAND = "summary";

/** Runs `kerno summary` with `args`; resolves with the exit code. */
export async function summaryCommand(args: string[], io: CommandIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      model: { type: "string", short: "m" },
      setup: { type: "string", multiple: true },
      weights: { type: "string" },
      verbose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(SUMMARY_HELP + "\n");
    return 0;
  }
  const paths = [...(values.model ? [values.model] : []), ...positionals];
  if (paths.length === 0) throw new UsageError("missing the model file", COMMAND);
  if (paths.length > 1) {
    throw new UsageError(`expected one model file, received ${paths.length}`, COMMAND);
  }
  const model = await openModel(paths[0], {
    weights: values.weights,
    needsWeights: false,
    command: COMMAND,
    setup: values.setup,
  });
  model.summary((line) => io.stdout.write(line + "\n"));
  io.stdout.write("\n" + describeIO(model).join("\n") + "\n");
  return 0;
}
