import { H5Dataset, hasHdf5Signature, readH5 } from "./h5/mod.ts";
import type { Model } from "./_model_api.ts";
import { type LambdaSupply, type LayerFactory, type Limits, withLimits } from "@kerno/layers";
import { weightBudget } from "./_weight_budget.ts";
import { describeStart, type FileSource, readSource } from "./_source.ts";
import { buildFromConfig, parseJson, parseObject, useDeserializedVariablePaths } from "./_build.ts";
import {
  checkTopLevel,
  loadWeightsFile,
  openWeightsFile,
  weightsFileBudget,
  weightsFileVersion,
} from "./_weights_file.ts";
import { loadKerasWeights } from "./keras_weights.ts";
import { loadLegacyWeights } from "./legacy_weights.ts";
import { hasZipSignature, readZip } from "./zip.ts";
import { type BlasRequest, blasStatus, withBlas } from "@kerno/tensor";

export { isKeras2Version } from "./_build.ts";
export type { FileSource } from "./_source.ts";

/** Options of {@linkcode loadModel}. */
export interface LoadModelOptions {
  /**
   * The weights of a model given as a JSON config (the text of Keras's `model.to_json()`), read
   * as `source` is: a Keras 2 `model.save_weights("w.h5")` file or the `model_weights` of a legacy
   * `.h5` (matched by layer order, as Keras's `load_weights` does), a Keras 3 `.weights.h5`
   * (matched by structure), or a `.keras` archive (its `model.weights.h5`). `false` builds a JSON
   * config without weights: its initializers fill them, as with Keras's `model_from_json` (for
   * `summary()`, not for predictions). With a `.keras` or `.h5` model file, the weights given
   * replace the file's own, as `load_model` then `load_weights` would.
   */
  weights?: FileSource | false;
  /** Name of the weights file in error messages when bytes are given (default `<weights bytes>`). */
  weightsLabel?: string;
  /**
   * Read `hard_sigmoid` as Keras 2's `clip(0.2x + 0.5, 0, 1)`. Defaults to true for a file
   * written by Keras 1 or 2 (the function it was trained with) and false otherwise; pass `false`
   * for Keras 3's reading of an old file (`clip(x/6 + 0.5, 0, 1)`). For a JSON config the
   * version is its `keras_version` key (which `to_json()` writes), else the weights file's.
   */
  keras2HardSigmoid?: boolean;
  /** Collects one line per legacy translation (and the hard_sigmoid choice). */
  notes?: string[];
  /** Extra layer classes by Keras class name, passed on to `modelFromJSON`. */
  customObjects?: Record<string, LayerFactory>;
  /**
   * Bodies of the model's Lambda layers in TypeScript, by layer name: `(x) => tensor`, or
   * `{ fn, outputShape }`. Kerno never runs the Python a Lambda holds; without a body for each,
   * loading fails with the list of the model's Lambda layers and their shapes.
   */
  lambdas?: Record<string, LambdaSupply>;
  /** Name used in error messages when bytes are given (default `<bytes>`). */
  label?: string;
  /**
   * Run the model's matrix products on a native BLAS: `true` finds one (OpenBLAS, BLIS,
   * Accelerate), a string is its path, `false` keeps the WebAssembly core. Sets the model's
   * `blas`; needs `--allow-ffi`. When BLAS cannot run, one line says why and the model runs on
   * the WebAssembly core.
   */
  blas?: BlasRequest;
  /**
   * Limits on top of the current ones (see `Limits`): archive entry size and compression ratio,
   * config nesting, weight sizes; they apply to the model file and to the weights file. A config
   * may never declare more weights than its weights file holds.
   */
  limits?: Partial<Limits>;
}

/** Options of {@linkcode modelFromBytes}: those of {@linkcode loadModel}, weights as bytes. */
export interface ModelFromBytesOptions extends Omit<LoadModelOptions, "weights"> {
  /** The weights file's bytes (see {@linkcode LoadModelOptions.weights}), or `false`. */
  weights?: Uint8Array | ArrayBuffer | false;
}

/**
 * Loads a Keras model: a `.keras` archive (Keras 3), a legacy HDF5 `.h5` (Keras 2, tf.keras, or
 * Keras 3's `model.save("x.h5")`), or a JSON config (`model.to_json()`, Keras 2 or 3) with its
 * weights file given as `weights` (Keras 2's `save_weights("w.h5")`, a Keras 3 `.weights.h5`, or
 * a `.keras`). The format is detected from the first bytes, not the name. `source` and `weights`
 * are each a path (Deno only), a `URL` (fetched; `file:` URLs need Deno), a `Response`, or the
 * file's bytes; in a browser, pass a URL, a `Response` or bytes. Legacy configs are translated
 * (see {@linkcode translateLegacyConfig}); weights are matched by structure (`.keras`,
 * `.weights.h5`) or by layer order (legacy `.h5`, as Keras does), all checked before any is set:
 * an error names the files, the layer, the weight and both shapes.
 *
 * A JSON config without `weights` is refused (its weights would be random); pass
 * `weights: false` to build it with freshly initialized weights, e.g. for `summary()`.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "@kerno/io";
 * const notes: string[] = [];
 * const model = await loadModel("lstm_model.h5", { notes });
 * notes.forEach((n) => console.log(n));
 * // Keras 2: open("model.json", "w").write(model.to_json()); model.save_weights("w.h5")
 * const pair = await loadModel("model.json", { weights: "w.h5" });
 * const inBrowser = await loadModel(new URL("model.keras", location.href)); // fetched
 * ```
 */
export async function loadModel(
  source: FileSource,
  options: LoadModelOptions = {},
): Promise<Model> {
  checkBlasOption(options.blas, typeof source === "string" ? source : "<source>");
  const { bytes, label } = await readSource(source, options.label);
  const { weights: weightsSource, ...rest } = options;
  if (weightsSource === undefined || weightsSource === false) {
    return modelFromBytes(bytes, { ...rest, label, weights: weightsSource });
  }
  const weights = await readSource(weightsSource, options.weightsLabel ?? WEIGHTS_BYTES);
  return modelFromBytes(bytes, {
    ...rest,
    label,
    weights: weights.bytes,
    weightsLabel: weights.label,
  });
}

const WEIGHTS_BYTES = "<weights bytes>";

/** {@linkcode loadModel} on bytes already in memory (no file system needed). */
export function modelFromBytes(bytes: Uint8Array, options: ModelFromBytesOptions = {}): Model {
  const label = options.label ?? "<bytes>";
  const blas = options.blas;
  checkBlasOption(blas, label);
  const weights = weightsBytes(options.weights, label);
  const weightsLabel = options.weightsLabel ?? WEIGHTS_BYTES;
  const kind = modelFileKind(bytes);
  if (kind === null) throw notAModel(bytes, label);
  const model = withLimits(options.limits, () => {
    if (kind === "json") return loadConfigJson(bytes, label, weights, weightsLabel, options);
    const m = kind === "keras"
      ? loadArchive(bytes, label, options)
      : loadLegacyH5(bytes, label, options);
    if (weights) {
      const file = openWeightsFile(weights, weightsLabel, label);
      loadWeightsFile(m, file, { modelLabel: label, notes: options.notes });
    }
    return m;
  });
  if (blas !== undefined) {
    model.blas = blas;
    withBlas(blas, blasStatus); // loads and vets the library now: its one line, if any
  }
  return model;
}

/**
 * What a model file is, from its first bytes: a `.keras` zip, an HDF5 `.h5`, a JSON config
 * (its first character other than white space is `{`), or `null` for none of them.
 */
export function modelFileKind(bytes: Uint8Array): "keras" | "h5" | "json" | null {
  if (hasZipSignature(bytes)) return "keras";
  if (hasHdf5Signature(bytes)) return "h5";
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 BOM
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  ) i++;
  return bytes[i] === 0x7b ? "json" : null;
}

function weightsBytes(weights: unknown, label: string): Uint8Array | false | undefined {
  if (weights === undefined || weights === false || weights instanceof Uint8Array) return weights;
  if (weights instanceof ArrayBuffer) return new Uint8Array(weights);
  throw new TypeError(
    `${label}: modelFromBytes takes weights as a Uint8Array, an ArrayBuffer or false, received ${
      Object.prototype.toString.call(weights)
    } (loadModel reads paths, URLs and Responses)`,
  );
}

function checkBlasOption(blas: unknown, label: string): void {
  if (blas !== undefined && typeof blas !== "boolean" && typeof blas !== "string") {
    throw new TypeError(`${label}: blas must be true, false or a library path, received ${blas}`);
  }
}

function notAModel(bytes: Uint8Array, label: string): TypeError {
  return new TypeError(
    `${label}: not a Keras model file: expected a .keras zip ("PK\\x03\\x04"), an HDF5 .h5 ("\\x89HDF\\r\\n\\x1a\\n") or a JSON config ("{"), found ${
      describeStart(bytes)
    }`,
  );
}

/**
 * A JSON config (`model.to_json()`) with its weights file, as Keras's `model_from_json` then
 * `load_weights`. The model may declare no more weights than the weights file holds.
 */
function loadConfigJson(
  bytes: Uint8Array,
  label: string,
  weights: Uint8Array | false | undefined,
  weightsLabel: string,
  options: ModelFromBytesOptions,
): Model {
  const config = parseObject(bytes, label);
  if (weights === undefined) {
    throw new TypeError(
      `${label}: a JSON model config holds no weights: pass its weights file as the weights option (the .h5 of save_weights, a .weights.h5 or a .keras), or weights: false for freshly initialized weights`,
    );
  }
  const file = weights === false ? null : openWeightsFile(weights, weightsLabel, label);
  const version = config.keras_version ?? (file ? weightsFileVersion(file) : undefined);
  const budget = file ? weightsFileBudget(file) : undefined;
  const model = buildFromConfig(config, version, options, label, budget);
  // Keras 3's model_from_json deserializes as load_model does (a Keras 3 config has "module").
  if (typeof config.module === "string") useDeserializedVariablePaths(model);
  if (file) loadWeightsFile(model, file, { modelLabel: label, notes: options.notes });
  return model;
}

function loadArchive(bytes: Uint8Array, label: string, options: LoadModelOptions): Model {
  const wanted = new Set(["config.json", "metadata.json", "model.weights.h5", "model.weights.npz"]);
  const files = readZip(bytes, label, { want: (n) => wanted.has(n) });
  const configBytes = files.get("config.json");
  if (!configBytes) {
    throw new TypeError(`${label}: not a Keras archive: it has no config.json entry`);
  }
  const config = parseJson(configBytes, `${label}:config.json`);
  const meta = files.has("metadata.json")
    ? parseObject(files.get("metadata.json")!, `${label}:metadata.json`)
    : {};
  const weights = files.get("model.weights.h5");
  if (!weights && files.has("model.weights.npz")) {
    throw new TypeError(
      `${label}:model.weights.npz: Keras's npz weights store pickled Python dicts, which Kerno refuses; re-save with the default weights_format="h5"`,
    );
  }
  const entry = `${label}:model.weights.h5`;
  const root = weights ? readH5(weights, entry) : null;
  const budget = root
    ? weightBudget(root, entry)
    : { bytes: 0, source: `${label} (it has no model.weights.h5 entry)` };
  const model = buildFromConfig(config, meta.keras_version, options, label, budget);
  useDeserializedVariablePaths(model);
  if (root) {
    loadKerasWeights(model, root, entry);
  } else if (model.getWeights().length > 0) {
    throw new TypeError(`${label}: the archive has no model.weights.h5 entry`);
  }
  return model;
}

function loadLegacyH5(bytes: Uint8Array, label: string, options: LoadModelOptions): Model {
  const root = readH5(bytes, label);
  const configText = root.attr("model_config");
  if (configText === undefined) {
    const kind = root.has("layers") || root.has("vars") || root.hasAttr("layer_names")
      ? `a weights-only file; load it with its model config: loadModel("model.json", { weights: "${label}" }), or loadWeights(model, "${label}")`
      : "not a Keras model file (no model_config attribute)";
    throw new TypeError(`${label}: ${kind}`);
  }
  const config = parseJson(String(configText), `${label}: model_config`);
  const weights = root.get("model_weights");
  const budget = weights && !(weights instanceof H5Dataset)
    ? weightBudget(weights, `${label}: model_weights`)
    : { bytes: 0, source: `${label} (it has no model_weights group)` };
  const model = buildFromConfig(config, root.attr("keras_version"), options, label, budget);
  if (weights && !(weights instanceof H5Dataset)) {
    checkTopLevel(weights, label);
    loadLegacyWeights(model, weights, label);
  } else if (model.getWeights().length > 0) {
    throw new TypeError(`${label}: the file has no model_weights group (saved without weights?)`);
  }
  return model;
}

/**
 * Loads weights into an existing model from a Keras 3 `.weights.h5` (matched by structure), a
 * legacy Keras HDF5 weights or model file (matched by order, as Keras does), or the
 * `model.weights.h5` inside a `.keras` archive. Everything is validated first: a missing or
 * wrong-shaped weight throws an error naming the file, the layer and the path, and leaves the
 * model untouched. `source` is read as {@linkcode loadModel} reads it.
 *
 * @example
 * ```ts ignore
 * const model = modelFromJSON(config);
 * await loadWeights(model, "model.weights.h5");
 * ```
 */
export async function loadWeights(
  model: Model,
  source: FileSource,
  options: { label?: string; limits?: Partial<Limits> } = {},
): Promise<void> {
  const { bytes, label } = await readSource(source, options.label);
  withLimits(options.limits, () => weightsFromBytes(model, bytes, label));
}

/** {@linkcode loadWeights} on bytes already in memory. */
export function weightsFromBytes(model: Model, bytes: Uint8Array, label = "<bytes>"): void {
  loadWeightsFile(model, openWeightsFile(bytes, label));
}
