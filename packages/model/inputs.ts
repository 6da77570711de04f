import { type DType, type NestedArray, Tensor, tensor } from "@kerno/tensor";
import {
  currentLimits,
  raiseHint,
  type Shape,
  shapeToString,
  type SymbolicTensor,
} from "@kerno/layers";
import { castTensor } from "./batching.ts";

/** What {@linkcode Model.predict} accepts: one tensor, nested number arrays, or one per input. */
export type PredictInput = Tensor | NestedArray | readonly (Tensor | NestedArray)[];

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value instanceof Tensor) return `${value} (a concrete Tensor)`;
  if (value === null || value === undefined) return String(value);
  const type = typeof value === "object"
    ? (value as object).constructor?.name ?? "object"
    : typeof value;
  return `${JSON.stringify(value)?.slice(0, 60) ?? String(value)} of type ${type}`;
}

function incompatible(model: string, i: number, want: Shape, got: Shape): TypeError {
  return new TypeError(
    `Input ${i} of model "${model}" is incompatible: expected shape ${shapeToString(want)}, found ${
      shapeToString(got)
    }`,
  );
}

function checkCount(model: string, inputs: readonly SymbolicTensor[], n: number): void {
  if (n !== inputs.length) {
    throw new TypeError(
      `Model "${model}" expects ${inputs.length} input(s), but received ${n}`,
    );
  }
}

/** Checks shapes against the model inputs' known dimensions (the batch dimension is free). */
export function checkInputShapes(
  model: string,
  inputs: readonly SymbolicTensor[],
  shapes: readonly Shape[],
): void {
  checkCount(model, inputs, shapes.length);
  shapes.forEach((shape, i) => {
    const want = inputs[i].shape;
    const ok = shape.length === want.length &&
      want.every((d, j) => j === 0 || d === null || shape[j] === null || d === shape[j]);
    if (!ok) throw incompatible(model, i, want, shape);
  });
}

/**
 * Checks concrete inputs before anything runs (count, rank, known dimensions, equal row counts)
 * and converts each to its input's dtype. As in Keras, a missing or extra trailing axis of size 1
 * is added or dropped.
 */
export function standardizeInputs(
  model: string,
  inputs: readonly SymbolicTensor[],
  x: readonly Tensor[],
): Tensor[] {
  checkCount(model, inputs, x.length);
  const out = x.map((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `Input ${i} of model "${model}" must be a Tensor, received ${describeValue(t)}`,
      );
    }
    const want = inputs[i].shape;
    let v = t;
    if (v.rank === want.length - 1 && want.at(-1) === 1) v = v.reshape([...v.shape, 1]);
    else if (v.rank === want.length + 1 && v.shape.at(-1) === 1) {
      v = v.reshape(v.shape.slice(0, -1));
    }
    const ok = v.rank > 0 && v.rank === want.length &&
      want.every((d, j) => j === 0 || d === null || d === v.shape[j]);
    if (!ok) throw incompatible(model, i, want, t.shape);
    return castTensor(v, inputs[i].dtype);
  });
  const rows = out[0].shape[0];
  out.forEach((t, i) => {
    if (t.shape[0] !== rows) {
      throw new TypeError(
        `All inputs of model "${model}" must have the same number of rows: input 0 has ${rows}, input ${i} has ${
          t.shape[0]
        }`,
      );
    }
  });
  return out;
}

/** Deepest nesting of arrays `predict` accepts as an input (a tensor's rank). */
const MAX_INPUT_RANK = 32;

/**
 * Checks, before any conversion, that a nested-array input is numbers in at most
 * {@linkcode MAX_INPUT_RANK} levels of arrays holding at most `maxPredictInputValues` entries.
 */
function checkNestedInput(model: string, value: unknown): void {
  const max = currentLimits().maxPredictInputValues;
  let count = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "number" || v instanceof Tensor) continue;
    if (!Array.isArray(v)) {
      throw new TypeError(
        `Model "${model}": predict() expected a Tensor or nested arrays of numbers, found ${
          describeValue(v)
        }`,
      );
    }
    if (depth >= MAX_INPUT_RANK) {
      throw new RangeError(
        `Model "${model}": predict() input nests arrays deeper than ${MAX_INPUT_RANK} levels`,
      );
    }
    count += v.length;
    if (count > max) {
      throw new RangeError(
        `Model "${model}": predict() input holds more than ${max} values (${
          raiseHint("maxPredictInputValues")
        })`,
      );
    }
    for (const item of v) stack.push([item, depth + 1]);
  }
}

/** Refuses inputs larger than `maxPredictInputValues` in all, before anything runs. */
export function checkInputSizes(model: string, x: readonly Tensor[]): void {
  const max = currentLimits().maxPredictInputValues;
  let total = 0;
  x.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(
        `Input ${i} of model "${model}" must be a Tensor, received ${describeValue(t)}`,
      );
    }
    total += t.size;
    if (total > max) {
      throw new RangeError(
        `Model "${model}": predict() inputs hold ${total} values up to input ${i} (shape ${
          shapeToString(t.shape)
        }), more than allowed (${raiseHint("maxPredictInputValues")})`,
      );
    }
  });
}

/**
 * Turns what `predict` received into one tensor per model input: tensors as they are, nested
 * arrays converted to their input's dtype (as Keras takes numpy arrays or lists). `WorkerPool`
 * uses it too, so `pool.predict` takes what `model.predict` takes.
 *
 * @example
 * ```ts ignore
 * toInputTensors("model", model.inputs, [[[0.1], [0.2]]]); // [Tensor (1, 2, 1)]
 * ```
 */
export function toInputTensors(
  model: string,
  inputs: readonly { readonly dtype: DType }[],
  x: PredictInput,
): Tensor[] {
  if (x instanceof Tensor) return [x];
  checkNestedInput(model, x);
  const n = Math.max(1, inputs.length);
  const dtype = (i: number): DType => inputs[i]?.dtype ?? "float32";
  const convert = (v: Tensor | NestedArray, i: number): Tensor => {
    if (v instanceof Tensor) return v;
    try {
      return tensor(v, undefined, dtype(i));
    } catch (e) {
      throw new TypeError(`Input ${i} of model "${model}": ${(e as Error).message}`, { cause: e });
    }
  };
  if (!Array.isArray(x)) return [convert(x as NestedArray, 0)];
  const list = x as readonly (Tensor | NestedArray)[];
  if (n === 1) {
    if (list.length > 0 && list.every((v) => v instanceof Tensor)) return [...list] as Tensor[];
    return [convert(list as NestedArray, 0)];
  }
  if (list.length !== n) {
    throw new TypeError(
      `Model "${model}" expects ${n} inputs, but received a list of ${list.length}`,
    );
  }
  return list.map(convert);
}
