/**
 * Opens a model file for the commands, turning a failure into one readable line.
 *
 * @module
 */
import { importSetup, type PoolModel } from "@kerno/executor";
import { loadModel } from "@kerno/io";
import type { BlasRequest, Tensor } from "@kerno/tensor";

/** What the commands use of a loaded model (`@kerno/model`'s `Model`). */
export interface CliModel extends PoolModel {
  /** Prints the Keras summary table, one call per line. */
  summary(print?: (line: string) => void): void;
  /** Single-thread prediction, flat outputs. */
  predictFlat(inputs: Tensor[], options?: { batchSize?: number; blas?: BlasRequest }): Tensor[];
}

/**
 * Loads `path` (`.keras` or legacy `.h5`) with the Lambda bodies and layer classes of the setup
 * modules at `setup` (`--setup`, the modules the pool's workers import too); the error says
 * which file and why.
 */
export async function openModel(path: string, setup: readonly string[] = []): Promise<CliModel> {
  const supplies = setup.length > 0 ? await importSetup(setup) : {};
  try {
    return await loadModel(path, supplies);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`model file not found: ${path}`);
    const why = e instanceof Error ? e.message : String(e);
    // Loader errors usually start with the path already.
    const detail = why.startsWith(`${path}: `) ? why : `${path}: ${why}`;
    const hint = /Unknown layer class|Lambda layer/.test(why)
      ? "\nFrom the command line: --setup MODULE.ts, a module that exports lambdas (Lambda " +
        "bodies by layer name) and customObjects (layer classes by Keras class name), loaded " +
        "here and in every worker (kerno predict --help)"
      : "";
    throw new Error(`cannot load model ${detail}${hint}`, { cause: e });
  }
}

/** Display names of a model's inputs or outputs (`input_layer`, `lstm`…). */
export function specNames(specs: PoolModel["inputs"]): string[] {
  return specs.map((s, i) => s.node?.layer.name ?? s.name ?? `#${i}`);
}
