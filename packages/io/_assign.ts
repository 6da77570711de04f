import type { Variable } from "@kerno/layers";
import { formatShape } from "@kerno/tensor";

/** One weight value waiting to be copied into its variable. */
export interface PlannedWeight {
  /** The variable that receives the value. */
  readonly variable: Variable;
  /** Reads the values in C order (called only once every shape has been checked). */
  readonly read: () => Float32Array;
  /** Shape stored in the file. */
  readonly shape: readonly number[];
  /** Where the value comes from (`file: path`), for messages. */
  readonly source: string;
}

/** Throws a `RangeError` naming the source, layer and variable of the first shape mismatch. */
export function checkWeights(
  plan: readonly PlannedWeight[],
  layerOf: (v: Variable) => string,
): void {
  for (const p of plan) {
    const want = p.variable.shape;
    if (want.length !== p.shape.length || want.some((d, i) => d !== p.shape[i])) {
      throw new RangeError(
        `${p.source} has shape ${formatShape(p.shape)}, but layer "${
          layerOf(p.variable)
        }" weight ${p.variable.path} expects ${formatShape(want)}`,
      );
    }
  }
}

/**
 * Checks every planned weight against its variable's shape, reads them all, then copies all of
 * them. Nothing is read before every shape matches (so a file cannot make Kerno read more than the
 * model holds), and nothing is written unless every value could be read, so a bad file leaves the
 * model untouched.
 */
export function applyWeights(
  plan: readonly PlannedWeight[],
  layerOf: (v: Variable) => string,
): void {
  checkWeights(plan, layerOf);
  const values = plan.map((p) => p.read());
  plan.forEach((p, i) => p.variable.assign(values[i]));
}
