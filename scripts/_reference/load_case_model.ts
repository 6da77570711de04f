/**
 * Builds the model of one reference case, with its weights, from one of several sources: the
 * `model_config` and `weights` of `case.json` (the default), or the case's own Keras files read
 * by `@kerno/io` (`model.keras`, `model.h5`, `model.weights.h5`), or the JSON config + weights
 * file pair taken from them (see {@linkcode configWeightsPair}). A source that a case folder
 * cannot serve throws a {@linkcode SourceUnavailableError}, which stops the suite with a clear
 * message instead of failing every case.
 *
 * @module
 */
import { type Model, modelFromJSON } from "@kerno/model";
import { resetLayerNames } from "@kerno/layers";
import { loadModel, loadWeights } from "@kerno/io";
import { type CaseJson, fixtureTensor } from "./case.ts";
import { configWeightsPair } from "./legacy_pair.ts";

/**
 * Where the model comes from:
 * - `config`: `modelFromJSON(case.model_config)`, then `setWeights(case.weights)` (the default);
 * - `keras`: `<case>/model.keras` (config and weights from the zip);
 * - `h5`: `<case>/model.h5` (legacy full-model HDF5);
 * - `weights`: `modelFromJSON(case.model_config)` + `<case>/model.weights.h5`;
 * - `file`: whatever model file the folder holds, picked by the io loader;
 * - `pair`: `loadModel(json, { weights })` on the pair of the folder's model file (`model.h5`, or
 *   the file of a wild case): from a legacy `.h5`, its `model_config` as `to_json()` writes it and
 *   its `model_weights` as a `save_weights` file; from a `.keras`, `config.json` and
 *   `model.weights.h5`.
 */
export type ModelSource = "config" | "keras" | "h5" | "weights" | "file" | "pair";

/** Every source, in the order the command line lists them. */
export const MODEL_SOURCES: readonly ModelSource[] = [
  "config",
  "keras",
  "h5",
  "weights",
  "file",
  "pair",
];

/** Thrown for a source that cannot be used; the suite reports it once and stops. */
export class SourceUnavailableError extends Error {
  /** Names the source and why it cannot be used. */
  constructor(source: ModelSource, reason: string) {
    super(`--source ${source}: ${reason}; run with --source config (the default)`);
    this.name = "SourceUnavailableError";
  }
}

/** Checks a command-line source name. */
export function parseSource(value: string): ModelSource {
  if ((MODEL_SOURCES as readonly string[]).includes(value)) return value as ModelSource;
  throw new RangeError(
    `Unknown --source "${value}": expected one of ${MODEL_SOURCES.join(", ")}`,
  );
}

/**
 * The model of a case, weights loaded, ready to `predict`. Layer auto-naming is reset first, as
 * each Keras case ran in a fresh session.
 *
 * @example
 * ```ts ignore
 * const c = await readCase("tests/fixtures/keras/lstm_default");
 * const model = await loadCaseModel("tests/fixtures/keras/lstm_default", c, "config");
 * ```
 */
export async function loadCaseModel(
  caseDir: string,
  caseJson: CaseJson,
  source: ModelSource = "config",
  notes: string[] = [],
): Promise<Model> {
  resetLayerNames();
  // The suite checks Keras 3's numbers, so old files are read as Keras 3 reads them.
  const options = { notes, keras2HardSigmoid: false };
  switch (source) {
    case "config": {
      const model = modelFromJSON(caseJson.model_config, { notes });
      model.setWeights(caseJson.weights.map(fixtureTensor));
      return model;
    }
    case "keras":
      return await loadModel(`${caseDir}/model.keras`, options);
    case "h5":
      return await loadModel(`${caseDir}/model.h5`, options);
    case "weights": {
      const model = modelFromJSON(caseJson.model_config, { notes });
      await loadWeights(model, `${caseDir}/model.weights.h5`);
      return model;
    }
    case "file":
      return await loadModel(`${caseDir}/${caseModelFile(caseDir, caseJson)}`, options);
    case "pair": {
      const names = [...Deno.readDirSync(caseDir)].map((e) => e.name);
      const file = names.includes("model.h5") ? "model.h5" : caseModelFile(caseDir, caseJson);
      const pair = configWeightsPair(await Deno.readFile(`${caseDir}/${file}`), file);
      return await loadModel(pair.json, {
        ...options,
        label: `model.json (to_json of ${file})`,
        weights: pair.weights,
        weightsLabel: pair.kind === "legacy"
          ? `w.h5 (save_weights of ${file})`
          : `model.weights.h5 (of ${file})`,
      });
    }
  }
}

/** The model file of a case folder: `source.file` of a wild case, else the first model file. */
function caseModelFile(caseDir: string, caseJson: CaseJson): string {
  const named = (caseJson as { source?: { file?: unknown } }).source?.file;
  if (typeof named === "string") return named;
  const names = [...Deno.readDirSync(caseDir)].map((e) => e.name).sort();
  const pick = ["model.keras", "model.h5"].find((n) => names.includes(n)) ??
    names.find((n) => n.endsWith(".keras")) ??
    names.find((n) => n.endsWith(".h5") && !n.endsWith(".weights.h5"));
  if (!pick) {
    throw new SourceUnavailableError("file", `no .keras or .h5 model file in ${caseDir}`);
  }
  return pick;
}
