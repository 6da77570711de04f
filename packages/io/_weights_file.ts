/**
 * A weights file opened once: a Keras 3 `.weights.h5` (or the `model.weights.h5` of a `.keras`
 * archive), or legacy Keras weights (a Keras 2 `save_weights` file, or the `model_weights` group of
 * a legacy `.h5`); then loaded into a model.
 *
 * @module
 */
import type { WeightSource } from "@kerno/layers";
import { H5Dataset, type H5Group, hasHdf5Signature, readH5 } from "./h5/mod.ts";
import type { Model } from "./_model_api.ts";
import { describeStart } from "./_source.ts";
import { weightBudget } from "./_weight_budget.ts";
import { loadKerasWeights } from "./keras_weights.ts";
import { loadLegacyWeights, readChunkedAttr } from "./legacy_weights.ts";
import { hasZipSignature, readZip } from "./zip.ts";

/** A weights file, read and recognised, not yet loaded into a model. */
export interface WeightsFile {
  /** The HDF5 root (of the archive entry, for a `.keras`). */
  readonly root: H5Group;
  /** The group holding `layer_names` for legacy weights, else `null` (Keras 3 layout). */
  readonly legacy: H5Group | null;
  /** The file (or `file:model.weights.h5` entry) for messages. */
  readonly label: string;
}

/**
 * Reads `bytes` as a weights file: HDF5, or a `.keras` zip (its `model.weights.h5`). Anything
 * else throws a `TypeError` naming `label` and what the file starts with. With `forModel` (the
 * model file the weights are for), every message names both: `w.h5 (weights for model.json)`.
 */
export function openWeightsFile(bytes: Uint8Array, label: string, forModel?: string): WeightsFile {
  const suffix = forModel === undefined ? "" : ` (weights for ${forModel})`;
  const name = label + suffix;
  if (hasZipSignature(bytes)) {
    const files = readZip(bytes, name, { want: (n) => n === "model.weights.h5" });
    const weights = files.get("model.weights.h5");
    if (!weights) throw new TypeError(`${name}: the archive has no model.weights.h5 entry`);
    const entry = `${label}:model.weights.h5${suffix}`;
    return { root: readH5(weights, entry), legacy: null, label: entry };
  }
  if (!hasHdf5Signature(bytes)) {
    throw new TypeError(
      `${name}: not a weights file: expected HDF5 (.weights.h5, .h5) or a .keras zip, found ${
        describeStart(bytes)
      }`,
    );
  }
  const root = readH5(bytes, name);
  if (readChunkedAttr(root, "layer_names") !== undefined) {
    return { root, legacy: root, label: name };
  }
  const mw = root.get("model_weights");
  const legacy = mw && !(mw instanceof H5Dataset) ? mw : null;
  return { root, legacy, label: name };
}

/** What the file really holds, for the weight budget of a model built to receive it. */
export function weightsFileBudget(file: WeightsFile): WeightSource {
  return weightBudget(file.root, file.label);
}

/** The `keras_version` a legacy weights file records (Keras 3 `.weights.h5` record none). */
export function weightsFileVersion(file: WeightsFile): unknown {
  return file.legacy?.attr("keras_version") ?? file.root.attr("keras_version");
}

/** Options of {@linkcode loadWeightsFile}. */
export interface LoadWeightsFileOptions {
  /** What the model was read from, named in the message when layers differ (legacy weights). */
  modelLabel?: string;
  /** Collects a line when legacy layer names differ from the model's but line up by order. */
  notes?: string[];
}

/**
 * Loads `file` into `model`: legacy weights by order (Keras's `load_weights`), Keras 3 weights by
 * structure. Every shape is checked before any weight is set.
 */
export function loadWeightsFile(
  model: Model,
  file: WeightsFile,
  options: LoadWeightsFileOptions = {},
): void {
  if (!file.legacy) return loadKerasWeights(model, file.root, file.label);
  checkTopLevel(file.legacy, file.label);
  loadLegacyWeights(model, file.legacy, file.label, options);
}

/** Refuses weights that Keras kept on the model itself (`top_level_model_weights`). */
export function checkTopLevel(weights: H5Group, label: string): void {
  const top = weights.get("top_level_model_weights");
  if (top && !(top instanceof H5Dataset)) {
    const names = top.attr("weight_names");
    if (Array.isArray(names) && names.length > 0) {
      const where = weights.path === "/" ? "" : `${weights.path.slice(1)}/`;
      throw new TypeError(
        `${label}: ${where}top_level_model_weights holds ${names.length} weights of the model itself, which Kerno models do not have`,
      );
    }
  }
}
