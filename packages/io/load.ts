import { H5Dataset, type H5Group, hasHdf5Signature, readH5 } from "./h5/mod.ts";
import { buildModel, type Model } from "./_model_api.ts";
import {
  checkJsonDepth,
  type LambdaSupply,
  type Layer,
  type LayerFactory,
  type Limits,
  MultiHeadAttention,
  RNN,
  StackedRNNCells,
  type WeightSource,
  withLimits,
} from "@kerno/layers";
import { weightBudget } from "./_weight_budget.ts";
import { describeStart, type FileSource, readSource, withLabel } from "./_source.ts";
import { loadKerasWeights } from "./keras_weights.ts";
import { translateLegacyConfig } from "./legacy_config.ts";
import { loadLegacyWeights } from "./legacy_weights.ts";
import { hasZipSignature, readZip } from "./zip.ts";
import { type BlasRequest, blasStatus, withBlas } from "@kerno/tensor";

export type { FileSource } from "./_source.ts";

/** Options of {@linkcode loadModel}. */
export interface LoadModelOptions {
  /**
   * Read `hard_sigmoid` as Keras 2's `clip(0.2x + 0.5, 0, 1)`. Defaults to true for a file
   * written by Keras 1 or 2 (the function it was trained with) and false otherwise; pass `false`
   * for Keras 3's reading of an old file (`clip(x/6 + 0.5, 0, 1)`).
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
   * config nesting, weight sizes. A config may never declare more weights than the file holds.
   */
  limits?: Partial<Limits>;
}

/** Whether a `keras_version` string is Keras 1 or 2 (`2.2.4-tf`, `2.13.1`, …). */
export function isKeras2Version(version: unknown): boolean {
  return typeof version === "string" && /^[12]\./.test(version);
}

/**
 * Loads a Keras model file: a `.keras` archive (Keras 3) or a legacy HDF5 `.h5` (Keras 2,
 * tf.keras, or Keras 3's `model.save("x.h5")`). The format is detected from the magic bytes, not
 * the name. `source` is a path (Deno only), a `URL` (fetched; `file:` URLs need Deno), a
 * `Response`, or the file's bytes; in a browser, pass a URL, a `Response` or bytes. Legacy configs are translated (see {@linkcode translateLegacyConfig}); weights are
 * matched by structure (`.keras`) or by order (`.h5`), all checked before any is set.
 *
 * @example
 * ```ts ignore
 * import { loadModel } from "@kerno/io";
 * const notes: string[] = [];
 * const model = await loadModel("lstm_model.h5", { notes });
 * notes.forEach((n) => console.log(n));
 * const inBrowser = await loadModel(new URL("model.keras", location.href)); // fetched
 * ```
 */
export async function loadModel(
  source: FileSource,
  options: LoadModelOptions = {},
): Promise<Model> {
  checkBlasOption(options.blas, typeof source === "string" ? source : "<source>");
  const { bytes, label } = await readSource(source, options.label);
  return modelFromBytes(bytes, { ...options, label });
}

/** {@linkcode loadModel} on bytes already in memory (no file system needed). */
export function modelFromBytes(bytes: Uint8Array, options: LoadModelOptions = {}): Model {
  const label = options.label ?? "<bytes>";
  const blas = options.blas;
  checkBlasOption(blas, label);
  const model = hasZipSignature(bytes)
    ? withLimits(options.limits, () => loadArchive(bytes, label, options))
    : hasHdf5Signature(bytes)
    ? withLimits(options.limits, () => loadLegacyH5(bytes, label, options))
    : null;
  if (model === null) throw notAModel(bytes, label);
  if (blas !== undefined) {
    model.blas = blas;
    withBlas(blas, blasStatus); // loads and vets the library now: its one line, if any
  }
  return model;
}

function checkBlasOption(blas: unknown, label: string): void {
  if (blas !== undefined && typeof blas !== "boolean" && typeof blas !== "string") {
    throw new TypeError(`${label}: blas must be true, false or a library path, received ${blas}`);
  }
}

function notAModel(bytes: Uint8Array, label: string): TypeError {
  return new TypeError(
    `${label}: not a Keras model file: expected a .keras zip ("PK\\x03\\x04") or an HDF5 .h5 ("\\x89HDF\\r\\n\\x1a\\n"), found ${
      describeStart(bytes)
    }`,
  );
}

function hardSigmoidChoice(
  config: unknown,
  version: unknown,
  options: LoadModelOptions,
  notes: string[],
  label: string,
): boolean {
  const keras2 = options.keras2HardSigmoid ?? isKeras2Version(version);
  if (keras2 && JSON.stringify(config).includes('"hard_sigmoid"')) {
    notes.push(
      `${label}: hard_sigmoid read as Keras 2's clip(0.2x + 0.5, 0, 1)${
        options.keras2HardSigmoid === undefined
          ? ` (file written by Keras ${version}; pass keras2HardSigmoid: false for Keras 3's x/6 + 0.5)`
          : ""
      }`,
    );
  }
  return keras2;
}

function build(
  config: unknown,
  version: unknown,
  options: LoadModelOptions,
  label: string,
  weights: WeightSource,
): Model {
  const notes = options.notes ?? [];
  try {
    const translated = translateLegacyConfig(config, notes);
    const keras2HardSigmoid = hardSigmoidChoice(translated, version, options, notes, label);
    return withLimits(undefined, () =>
      buildModel(translated, {
        notes,
        keras2HardSigmoid,
        customObjects: options.customObjects,
        lambdas: options.lambdas,
      }), weights);
  } catch (e) {
    withLabel(e, label);
  }
}

function parseJson(bytes: Uint8Array | string, label: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    throw new TypeError(`${label}: invalid JSON (${(e as Error).message})`);
  }
  checkJsonDepth(value, label);
  return value;
}

function parseObject(bytes: Uint8Array | string, label: string): Record<string, unknown> {
  const value = parseJson(bytes, label);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${label}: expected a JSON object, found ${JSON.stringify(value)?.slice(0, 60)}`,
    );
  }
  return value as Record<string, unknown>;
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
  const model = build(config, meta.keras_version, options, label, budget);
  useArchiveVariablePaths(model);
  if (root) {
    loadKerasWeights(model, root, entry);
  } else if (model.getWeights().length > 0) {
    throw new TypeError(`${label}: the archive has no model.weights.h5 entry`);
  }
  return model;
}

/**
 * Keras 3 builds the layers of a loaded archive one by one (`build_from_config`), outside the name
 * scopes of the model and of wrapper layers, so their variable paths start at the innermost layer
 * (`forward_lstm/lstm_cell/kernel`, `dense/kernel`; see keras-wild `stock_bilstm_keras3`).
 * Recurrent layers, stacked cells and MultiHeadAttention keep their scope: they open it
 * themselves when they build their cells or projections.
 */
function useArchiveVariablePaths(model: Model): void {
  const visit = (layer: Layer): void => {
    const keepsScope = layer instanceof RNN || layer instanceof StackedRNNCells ||
      layer instanceof MultiHeadAttention;
    if (layer.children().length > 0 && !keepsScope) layer.scopesVariablePaths = false;
    for (const [, child] of layer.children()) {
      for (const c of Array.isArray(child) ? child : [child]) visit(c);
    }
  };
  model.scopesVariablePaths = false;
  for (const layer of model.layers) visit(layer);
}

function loadLegacyH5(bytes: Uint8Array, label: string, options: LoadModelOptions): Model {
  const root = readH5(bytes, label);
  const configText = root.attr("model_config");
  if (configText === undefined) {
    const kind = root.has("layers") || root.has("vars") || root.hasAttr("layer_names")
      ? "a weights-only file; use loadWeights(model, file) with a model built from its config"
      : "not a Keras model file (no model_config attribute)";
    throw new TypeError(`${label}: ${kind}`);
  }
  const config = parseJson(String(configText), `${label}: model_config`);
  const weights = root.get("model_weights");
  const budget = weights && !(weights instanceof H5Dataset)
    ? weightBudget(weights, `${label}: model_weights`)
    : { bytes: 0, source: `${label} (it has no model_weights group)` };
  const model = build(config, root.attr("keras_version"), options, label, budget);
  if (weights && !(weights instanceof H5Dataset)) {
    loadLegacyWeights(model, weights, label);
    checkTopLevel(weights, label);
  } else if (model.getWeights().length > 0) {
    throw new TypeError(`${label}: the file has no model_weights group (saved without weights?)`);
  }
  return model;
}

function checkTopLevel(weights: H5Group, label: string): void {
  const top = weights.get("top_level_model_weights");
  if (top && !(top instanceof H5Dataset)) {
    const names = top.attr("weight_names");
    if (Array.isArray(names) && names.length > 0) {
      throw new TypeError(
        `${label}: model_weights/top_level_model_weights holds ${names.length} weights of the model itself, which Kerno models do not have`,
      );
    }
  }
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
  if (hasZipSignature(bytes)) {
    const files = readZip(bytes, label, { want: (n) => n === "model.weights.h5" });
    const weights = files.get("model.weights.h5");
    if (!weights) throw new TypeError(`${label}: the archive has no model.weights.h5 entry`);
    const entry = `${label}:model.weights.h5`;
    loadKerasWeights(model, readH5(weights, entry), entry);
    return;
  }
  if (!hasHdf5Signature(bytes)) {
    throw new TypeError(
      `${label}: not a weights file: expected HDF5 (.weights.h5, .h5) or a .keras zip, found ${
        describeStart(bytes)
      }`,
    );
  }
  const root = readH5(bytes, label);
  if (root.hasAttr("layer_names")) return loadLegacyWeights(model, root, label);
  const mw = root.get("model_weights");
  if (mw && !(mw instanceof H5Dataset)) return loadLegacyWeights(model, mw, label);
  loadKerasWeights(model, root, label);
}
