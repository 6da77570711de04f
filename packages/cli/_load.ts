/**
 * Opens a model file for the commands, turning a failure into one readable line.
 *
 * @module
 */
import type { PoolModel } from "@kerno/executor";
import { loadModel } from "@kerno/io";
import type { BlasRequest, Tensor } from "@kerno/tensor";

/** What the commands use of a loaded model (`@kerno/model`'s `Model`). */
export interface CliModel extends PoolModel {
  /** Prints the Keras summary table, one call per line. */
  summary(print?: (line: string) => void): void;
  /** Single-thread prediction, flat outputs. */
  predictFlat(inputs: Tensor[], options?: { batchSize?: number; blas?: BlasRequest }): Tensor[];
}

/** Loads `path` (`.keras` or legacy `.h5`); the error says which file and why. */
export async function openModel(path: string): Promise<CliModel> {
  try {
    return await loadModel(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`model file not found: ${path}`);
    const why = e instanceof Error ? e.message : String(e);
    // Loader errors usually start with the path already.
    const detail = why.startsWith(`${path}: `) ? why : `${path}: ${why}`;
    throw new Error(`cannot load model ${detail}`, { cause: e });
  }
}

/** Display names of a model's inputs or outputs (`input_layer`, `lstm`…). */
export function specNames(specs: PoolModel["inputs"]): string[] {
  return specs.map((s, i) => s.node?.layer.name ?? s.name ?? `#${i}`);
}
