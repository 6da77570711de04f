/**
 * Opens a model file for the commands, turning a failure into one readable line.
 *
 * @module
 */
import { importSetup, type PoolModel } from "@kerno/executor";
import { modelFileKind, modelFromBytes } from "@kerno/io";
import type { BlasRequest, Tensor } from "@kerno/tensor";
import { UsageError } from "./_usage.ts";

/** What the commands use of a loaded model (`@kerno/model`'s `Model`). */
export interface CliModel extends PoolModel {
  /** Prints the Keras summary table, one call per line. */
  summary(print?: (line: string) => void): void;
  /** Single-thread prediction, flat outputs. */
  predictFlat(inputs: Tensor[], options?: { batchSize?: number; blas?: BlasRequest }): Tensor[];
}

/** Options of {@linkcode openModel}. */
export interface OpenModelOptions {
  /** `--weights`: the weights file of a JSON config (or replacing a model file's own). */
  weights?: string;
  /**
   * Whether the command computes with the weights: a JSON config without `--weights` is then
   * refused (its weights would be random); otherwise it is built with initialized weights.
   */
  needsWeights: boolean;
  /** The command, for a usage error. */
  command: string;
  /**
   * `--setup`: modules whose Lambda bodies and layer classes the model needs (the modules the
   * pool's workers import too).
   */
  setup?: readonly string[];
}

async function readFileOrSay(path: string, what: string): Promise<Uint8Array> {
  try {
    return await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`${what} not found: ${path}`);
    throw new Error(`cannot read ${what} ${path}: ${e instanceof Error ? e.message : e}`, {
      cause: e,
    });
  }
}

/**
 * Loads `path`: a `.keras`, a legacy `.h5`, or a JSON config (`model.to_json()`) with its weights
 * file (`--weights`), with the Lambda bodies and layer classes of the setup modules. The error
 * says which file and why.
 */
export async function openModel(path: string, options: OpenModelOptions): Promise<CliModel> {
  const setup = options.setup ?? [];
  const supplies = setup.length > 0 ? await importSetup(setup) : {};
  const bytes = await readFileOrSay(path, "model file");
  const weights = options.weights === undefined
    ? undefined
    : await readFileOrSay(options.weights, "weights file");
  const kind = modelFileKind(bytes);
  if (kind === "json" && weights === undefined && options.needsWeights) {
    throw new UsageError(
      `${path} is a JSON model config, which holds no weights: give its weights file with ` +
        `--weights (the .h5 of save_weights, a .weights.h5 or a .keras)`,
      options.command,
    );
  }
  try {
    return modelFromBytes(bytes, {
      ...supplies,
      label: path,
      weights: weights ?? (kind === "json" ? false : undefined),
      weightsLabel: options.weights,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const hint = /Unknown layer class|Lambda layer/.test(why)
      ? "\nFrom the command line: --setup MODULE.ts, a module that exports lambdas (Lambda " +
        "bodies by layer name) and customObjects (layer classes by Keras class name), loaded " +
        "here and in every worker (kerno predict --help)"
      : "";
    // Loader errors usually start with the path already.
    const detail = options.weights !== undefined
      ? `${path} with weights ${options.weights}: ${why}`
      : why.startsWith(`${path}: `)
      ? why
      : `${path}: ${why}`;
    throw new Error(`cannot load model ${detail}${hint}`, { cause: e });
  }
}

/** Display names of a model's inputs or outputs (`input_layer`, `lstm`…). */
export function specNames(specs: PoolModel["inputs"]): string[] {
  return specs.map((s, i) => s.node?.layer.name ?? s.name ?? `#${i}`);
}
