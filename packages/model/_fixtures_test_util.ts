/**
 * Test helpers over the Keras reference fixtures in `tests/fixtures/keras/`: read a case, build
 * its model from `model_config` with the weights set, and compare outputs at the project
 * tolerance. Not exported from `mod.ts`.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import { modelFromJSON } from "./from_config.ts";
import type { Model } from "./model.ts";

const ROOT = new URL("../../tests/fixtures/keras/", import.meta.url);

/** A flat array with its shape, as the fixtures store them. */
export interface FixtureArray {
  name: string;
  shape: number[];
  dtype?: string;
  data: number[];
}

/** The parts of `case.json` the model tests read. */
export interface KerasCase {
  name: string;
  model_class: string;
  model_config: Record<string, unknown>;
  weights: FixtureArray[];
  inputs: FixtureArray[];
  outputs: FixtureArray[];
  output_structure: unknown;
  extra_runs?: { inputs: FixtureArray[]; outputs: FixtureArray[]; before?: string | null }[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  layers: { name: string; class_name: string; output_shape_text: string; param_count: number }[];
  summary_text: string;
  summary_text_default: string;
}

/** The names of all cases, from `index.json`. */
export function caseNames(): string[] {
  const index = JSON.parse(Deno.readTextFileSync(new URL("index.json", ROOT)));
  return index.cases.map((c: { name: string }) => c.name);
}

/** Reads `<name>/case.json`. */
export function loadCase(name: string): KerasCase {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}/case.json`, ROOT)));
}

/** Reads a top-level fixture file (`errors.json`, `param_counts.json`). */
export function loadFixtureFile<T>(file: string): T {
  return JSON.parse(Deno.readTextFileSync(new URL(file, ROOT)));
}

/** A fixture array as a Tensor of its dtype. */
export function toTensor(a: FixtureArray): Tensor {
  const data = a.dtype === "int32" ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape);
}

/**
 * The case's model with its weights, or the name of the first layer class that is not registered
 * yet (other classes are being written at the same time).
 */
export function buildCaseModel(c: KerasCase): Model | string {
  let model: Model;
  try {
    model = modelFromJSON(c.model_config);
  } catch (e) {
    const m = /Unknown layer class "([^"]+)"/.exec((e as Error).message);
    if (m) return m[1];
    throw e;
  }
  model.setWeights(c.weights.map(toTensor));
  return model;
}

/** The largest `|got − want|` and whether every element is within `1e-5 + 1e-5·|want|`. */
export function compareArrays(
  got: Tensor,
  want: FixtureArray,
): { ok: boolean; maxAbsDiff: number; problem?: string } {
  if (got.shape.join(",") !== want.shape.join(",")) {
    return {
      ok: false,
      maxAbsDiff: Infinity,
      problem: `shape [${got.shape}] != [${want.shape}]`,
    };
  }
  let max = 0;
  let ok = true;
  for (let i = 0; i < want.data.length; i++) {
    const w = Math.fround(want.data[i]);
    const d = Math.abs(got.data[i] - w);
    if (!(d <= 1e-5 + 1e-5 * Math.abs(w))) ok = false;
    if (!(d <= max)) max = d;
  }
  return { ok, maxAbsDiff: max };
}
