/**
 * Reads a Keras reference case (`tests/fixtures/<set>/<case>/case.json`) for the pool tests:
 * the model rebuilt with `modelFromJSON` + `setWeights`, and the inputs and outputs as tensors.
 *
 * @module
 */
import { type Model, type ModelFromConfigOptions, modelFromJSON } from "@kerno/model";
import { resetLayerNames } from "@kerno/layers";
import { type DType, Tensor } from "@kerno/tensor";

const FIXTURES = new URL("../../../tests/fixtures/", import.meta.url);

interface ArrayJson {
  shape: number[];
  dtype: string;
  data: number[];
}

/** One run of a case: inputs and the outputs Keras predicted. */
export interface CaseRun {
  inputs: Tensor[];
  outputs: Tensor[];
  before?: string;
}

/** A case's model and runs. */
export interface FixtureCase {
  model: Model;
  runs: CaseRun[];
}

function toTensor(a: ArrayJson): Tensor {
  const dtype = a.dtype as DType;
  const data = dtype === "int32" ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape);
}

/** Loads case `name` of fixture set `set`; `options` go to `modelFromJSON`. */
export function readCase(
  name: string,
  options: ModelFromConfigOptions = {},
  set: "keras" | "keras-layers" = "keras",
): FixtureCase {
  const c = JSON.parse(Deno.readTextFileSync(new URL(`${set}/${name}/case.json`, FIXTURES)));
  resetLayerNames();
  const model = modelFromJSON(c.model_config, options);
  model.setWeights((c.weights as ArrayJson[]).map(toTensor));
  const runs: CaseRun[] = [{ inputs: c.inputs.map(toTensor), outputs: c.outputs.map(toTensor) }];
  for (const r of c.extra_runs ?? []) {
    runs.push({
      inputs: r.inputs.map(toTensor),
      outputs: r.outputs.map(toTensor),
      before: r.before,
    });
  }
  return { model, runs };
}

/** Asserts `|got − want| ≤ 1e-5 + 1e-5·|want|` elementwise; returns the largest difference. */
export function assertClose(got: Tensor, want: Tensor, what: string): number {
  if (got.shape.join() !== want.shape.join()) {
    throw new Error(`${what}: shape [${got.shape}] != [${want.shape}]`);
  }
  let max = 0;
  for (let i = 0; i < got.size; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    max = Math.max(max, d);
    if (!(d <= 1e-5 + 1e-5 * Math.abs(want.data[i]))) {
      throw new Error(`${what}: element ${i} is ${got.data[i]}, want ${want.data[i]}`);
    }
  }
  return max;
}
