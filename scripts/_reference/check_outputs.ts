/**
 * Runs a model on a case's inputs and compares what `predict()` returns with Keras's outputs:
 * the nesting (`output_structure`), every shape, and every value within the fixtures' tolerance.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import type { Model } from "@kerno/model";
import { type FixtureArray, type FixtureStructure, fixtureTensor } from "./case.ts";
import { compareValues, formatDiff, sameShape, unravelIndex } from "./compare.ts";

/** Problems found and the largest |got − want| over every compared value. */
export interface OutputCheck {
  /** One message per problem; empty when everything matched. */
  problems: string[];
  /** Largest absolute difference seen (0 when nothing was compared). */
  maxAbsDiff: number;
}

/** A float32 value with 8 significant digits (enough to tell float32s apart). */
function short(x: number): number {
  return Number(x.toPrecision(8));
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `a tensor of shape [${value.shape.join(", ")}]`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return String(value);
}

/** Compares one output tensor with its expected fixture array. */
export function checkTensor(got: Tensor, want: FixtureArray, label: string): OutputCheck {
  if (!sameShape(got.shape, want.shape)) {
    return {
      problems: [`${label}: shape [${got.shape.join(", ")}] != Keras [${want.shape.join(", ")}]`],
      maxAbsDiff: 0,
    };
  }
  const c = compareValues(got.data, want.data);
  if (c.ok) return { problems: [], maxAbsDiff: c.maxAbsDiff };
  const i = c.firstFailure ?? 0;
  const at = unravelIndex(i, want.shape).join(", ");
  return {
    problems: [
      `${label}: ${c.failures} of ${want.data.length} values out of tolerance, max |diff| ` +
      `${formatDiff(c.maxAbsDiff)}; first at [${at}]: got ${short(got.data[i])}, want ${
        short(want.data[i])
      }`,
    ],
    maxAbsDiff: c.maxAbsDiff,
  };
}

/**
 * Walks Keras's output structure and our nested result side by side: a number in the structure
 * must meet a tensor (compared with `outputs[number]`), a list must meet a list of the same
 * length.
 */
export function checkNested(
  got: unknown,
  structure: FixtureStructure,
  outputs: readonly FixtureArray[],
  where = "output",
): OutputCheck {
  if (typeof structure === "number") {
    const want = outputs[structure];
    const label = `${where} ${structure} (${want?.name ?? "?"})`;
    if (!want) return { problems: [`${label}: no such expected output`], maxAbsDiff: 0 };
    if (!(got instanceof Tensor)) {
      return {
        problems: [`${label}: expected a tensor, predict() gave ${describe(got)}`],
        maxAbsDiff: 0,
      };
    }
    return checkTensor(got, want, label);
  }
  if (!Array.isArray(got) || got.length !== structure.length) {
    return {
      problems: [
        `${where}: expected a list of ${structure.length} (structure ${
          JSON.stringify(structure)
        }), predict() gave ${describe(got)}`,
      ],
      maxAbsDiff: 0,
    };
  }
  const out: OutputCheck = { problems: [], maxAbsDiff: 0 };
  structure.forEach((s, i) => {
    const r = checkNested(got[i], s, outputs, where);
    out.problems.push(...r.problems);
    out.maxAbsDiff = Math.max(out.maxAbsDiff, r.maxAbsDiff);
  });
  return out;
}

/** Calls `resetStates()` on every top-level layer that has it, as Keras's `reset_states()`. */
export function resetAllStates(model: Model): number {
  let n = 0;
  for (const layer of model.layers) {
    const reset = (layer as { resetStates?: () => void }).resetStates;
    if (typeof reset === "function") {
      reset.call(layer);
      n++;
    }
  }
  return n;
}

/** Runs `predict` on fixture inputs (one batch) and checks the result against `outputs`. */
export function checkRun(
  model: Model,
  inputs: readonly FixtureArray[],
  outputs: readonly FixtureArray[],
  structure: FixtureStructure,
  label: string,
): OutputCheck {
  const xs = inputs.map(fixtureTensor);
  const batchSize = xs[0]?.shape[0] ?? 1;
  let result: unknown;
  try {
    result = model.predict(xs.length === 1 ? xs[0] : xs, { batchSize });
  } catch (e) {
    return { problems: [`${label}: predict() threw ${errorText(e)}`], maxAbsDiff: 0 };
  }
  return checkNested(result, structure, outputs, `${label} output`);
}

/** `TypeError: message` (first line only), for report lines. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message.split("\n")[0]}`;
  return String(e);
}
