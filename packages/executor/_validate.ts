/**
 * Checks a predict call's inputs against the model's input specs before any worker starts:
 * count, type, dtype, rank, known dimensions and a common batch size. Errors name the input.
 *
 * @module
 */
import { formatShape, Tensor } from "@kerno/tensor";
import type { PoolTensorSpec } from "./types.ts";

/** Display name of input `i`: its Input layer's name, else the tensor's name. */
export function inputName(spec: PoolTensorSpec, i: number): string {
  return spec.node?.layer.name ?? spec.name ?? `input_${i}`;
}

/**
 * Returns the inputs as a list and their common batch size; throws a `TypeError` (wrong count,
 * type, dtype, rank or dimension) naming the input and both shapes, and a `RangeError` for an
 * empty batch (as `model.predict` does).
 */
export function checkInputs(
  modelName: string,
  specs: readonly PoolTensorSpec[],
  x: Tensor | readonly Tensor[],
): { inputs: Tensor[]; rows: number } {
  const inputs = Array.isArray(x) ? [...x] : [x as Tensor];
  if (inputs.length !== specs.length) {
    const names = specs.map(inputName).join(", ");
    throw new TypeError(
      `Model "${modelName}" expects ${specs.length} input(s) (${names}), received ${inputs.length}`,
    );
  }
  let rows = -1;
  inputs.forEach((t, i) => {
    const spec = specs[i];
    const where = `Input ${i} ("${inputName(spec, i)}") of model "${modelName}"`;
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${where} must be a Tensor, received ${String(t)}`);
    }
    if (t.dtype !== spec.dtype) {
      throw new TypeError(`${where} expects dtype ${spec.dtype}, received ${t.dtype}`);
    }
    const bad = t.rank !== spec.shape.length ||
      spec.shape.some((d, j) => d !== null && d !== t.shape[j]);
    if (bad) {
      throw new TypeError(
        `${where} is incompatible: expected shape ${formatShape(spec.shape)}, ` +
          `received shape ${formatShape(t.shape)}`,
      );
    }
    if (rows >= 0 && t.shape[0] !== rows) {
      throw new TypeError(
        `${where} has ${
          t.shape[0]
        } rows, but input 0 has ${rows}: all inputs need the same batch size`,
      );
    }
    rows = t.shape[0];
  });
  if (rows === 0) {
    throw new RangeError(`Model "${modelName}": predict() received inputs with 0 rows`);
  }
  return { inputs, rows };
}
