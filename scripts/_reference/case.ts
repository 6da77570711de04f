/**
 * The `case.json` format of the Keras reference fixtures (see
 * `tests/fixtures/keras/README.md`), and helpers to find and read cases.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";

/** A flat row-major array with its shape, as the fixtures store inputs, outputs and weights. */
export interface FixtureArray {
  /** Input or output name, or the weight's Keras variable path. */
  name: string;
  /** Dimensions. */
  shape: number[];
  /** `float32` or `int32` (inputs of Embedding cases); weights leave it out. */
  dtype?: string;
  /** Flat values in C order. */
  data: number[];
}

/** One weight of `model.get_weights()`. */
export interface FixtureWeight extends FixtureArray {
  /** The top-level layer that owns it. */
  layer: string;
  /** Whether Keras counts it as trainable. */
  trainable: boolean;
}

/** One entry of `layers`: what Keras reports about a layer of `model.layers`. */
export interface FixtureLayer {
  /** Layer name. */
  name: string;
  /** Keras class name. */
  class_name: string;
  /** Output shape(s), `null` for None. */
  output_shape: unknown;
  /** The output shape as `summary()` prints it. */
  output_shape_text: string;
  /** `layer.count_params()`. */
  param_count: number;
  /** Shapes of `layer.weights`. */
  weight_shapes: number[][];
  /** Keras variable paths of `layer.weights`. */
  weight_paths: string[];
}

/** How `predict()` nests its outputs: integers index `outputs`. */
export type FixtureStructure = number | FixtureStructure[];

/** A later run on the same model instance (stateful and variable-timestep cases). */
export interface ExtraRun {
  /** Inputs of this run. */
  inputs: FixtureArray[];
  /** Expected outputs of this run, flattened like the primary ones. */
  outputs: FixtureArray[];
  /** `"reset_states"` when every stateful layer was reset before the run. */
  before?: string | null;
  /** What the run is for. */
  note?: string;
}

/** One reference case (`<case>/case.json`). */
export interface CaseJson {
  /** Case id (the folder name). */
  name: string;
  /** What the case covers. */
  description?: string;
  /** The Python that built the model. */
  python_code?: string;
  /** `Sequential` or `Functional`. */
  model_class?: string;
  /** The Keras 3 model config (`json.loads(model.to_json())`). */
  model_config: Record<string, unknown>;
  /** `model.get_weights()`, in order. */
  weights: FixtureWeight[];
  /** One entry per model input. */
  inputs: FixtureArray[];
  /** The flattened outputs of `predict()`. */
  outputs: FixtureArray[];
  /** How the outputs nest. */
  output_structure: FixtureStructure;
  /** More runs on the same model, in order. */
  extra_runs?: ExtraRun[];
  /** `model.count_params()`. */
  total_params: number;
  /** Trainable parameter count. */
  trainable_params?: number;
  /** Non-trainable parameter count. */
  non_trainable_params?: number;
  /** `model.layers`. */
  layers: FixtureLayer[];
  /** `model.summary(line_length=120)`. */
  summary_text?: string;
  /** `model.summary()` at the default width. */
  summary_text_default?: string;
}

/** The subfolders of `dir` that hold a `case.json`, sorted by name. */
export async function listCaseDirs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory) continue;
    try {
      const info = await Deno.stat(`${dir}/${entry.name}/case.json`);
      if (info.isFile) out.push(entry.name);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return out.sort();
}

/** Reads and parses `<caseDir>/case.json`, with a minimal check of the fields the suite needs. */
export async function readCase(caseDir: string): Promise<CaseJson> {
  const path = `${caseDir}/case.json`;
  const value = JSON.parse(await Deno.readTextFile(path));
  for (const key of ["model_config", "weights", "inputs", "outputs", "layers"]) {
    if (!(key in value)) throw new TypeError(`${path}: missing field "${key}"`);
  }
  if (value.output_structure === undefined) value.output_structure = 0;
  return value as CaseJson;
}

/**
 * A fixture array as a {@linkcode Tensor}: `int32` when the fixture says so (token ids), float32
 * otherwise (the JSON numbers are rounded to float32, which gives back Keras's exact values).
 */
export function fixtureTensor(array: FixtureArray): Tensor {
  if (array.dtype === "int32") return new Tensor(Int32Array.from(array.data), array.shape);
  return new Tensor(Float32Array.from(array.data), array.shape);
}
