import type { Variable } from "@kerno/layers";
import { formatShape } from "@kerno/tensor";

/** One weight value waiting to be copied into its variable. */
export interface PlannedWeight {
  /** The variable that receives the value. */
  readonly variable: Variable;
  /** Values in C order. */
  readonly data: Float32Array;
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
 * Checks every planned weight against its variable's shape, then copies all of them. Nothing is
 * written unless every shape matches, so a bad file leaves the model untouched.
 */
export function applyWeights(
  plan: readonly PlannedWeight[],
  layerOf: (v: Variable) => string,
): void {
  checkWeights(plan, layerOf);
  for (const p of plan) p.variable.value.f32.set(p.data);
}
