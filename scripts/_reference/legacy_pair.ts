/**
 * The JSON config + weights file pair of a Keras model, taken from one of Keras's own files:
 *
 * - from a legacy `.h5` (Keras 2 `model.save`, or Keras 3 `model.save("x.h5")`): the
 *   `model_config` attribute with the root's `keras_version` and `backend` beside it, which is
 *   what `model.to_json()` returns, and the `model_weights` group written as the root of a file of
 *   its own, the layout of `model.save_weights("w.h5")` (root attributes `layer_names`,
 *   `backend`, `keras_version`; one group per layer with `weight_names`);
 * - from a `.keras` archive: its `config.json` (Keras 3's `to_json()`) and `model.weights.h5`.
 *
 * Every name, attribute and value is Keras's; only the HDF5 container of the weights is written
 * again (by `@kerno/io/h5`'s writer, in h5py's layout).
 *
 * @module
 */
import { H5Dataset, type H5Group, H5Writer, readH5 } from "@kerno/io/h5";
import { readZip } from "@kerno/io";

/** A model config as JSON text and its weights file. */
export interface ConfigWeightsPair {
  /** The config, as `model.to_json()` writes it. */
  readonly json: Uint8Array;
  /** The weights file: a `save_weights` `.h5`, or a Keras 3 `.weights.h5`. */
  readonly weights: Uint8Array;
  /** `legacy` (Keras 2 style `save_weights` file) or `keras3` (`.weights.h5`). */
  readonly kind: "legacy" | "keras3";
}

/** The pair of a `.keras` archive or a legacy `.h5` model file; `label` names it in errors. */
export function configWeightsPair(bytes: Uint8Array, label: string): ConfigWeightsPair {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    const files = readZip(bytes, label, {
      want: (n) => n === "config.json" || n === "model.weights.h5",
    });
    const json = files.get("config.json");
    const weights = files.get("model.weights.h5");
    if (!json || !weights) {
      throw new TypeError(`${label}: expected config.json and model.weights.h5 in the archive`);
    }
    return { json, weights, kind: "keras3" };
  }
  const root = readH5(bytes, label);
  const config = root.attr("model_config");
  const weights = root.get("model_weights");
  if (typeof config !== "string" || !weights || weights instanceof H5Dataset) {
    throw new TypeError(`${label}: expected a model_config attribute and a model_weights group`);
  }
  const toJson = { ...JSON.parse(config) };
  for (const key of ["keras_version", "backend"]) {
    const value = root.attr(key);
    if (typeof value === "string") toJson[key] = value;
  }
  return {
    json: new TextEncoder().encode(JSON.stringify(toJson)),
    weights: groupAsFile(weights),
    kind: "legacy",
  };
}

/** A file whose root holds `group`'s attributes, groups and datasets (float32 values). */
function groupAsFile(group: H5Group): Uint8Array {
  const w = new H5Writer();
  for (const name of group.attrNames()) w.rootAttr(name, attrValue(group, name));
  const copy = (g: H5Group, prefix: string) => {
    for (const key of g.keys()) {
      const child = g.get(key)!;
      const path = `${prefix}${key}`;
      if (child instanceof H5Dataset) {
        w.dataset(path, child.readFloat32(), child.shape);
        continue;
      }
      w.group(path, Object.fromEntries(child.attrNames().map((n) => [n, attrValue(child, n)])));
      copy(child, `${path}/`);
    }
  };
  copy(group, "");
  return w.toBytes();
}

function attrValue(g: H5Group, name: string): string | string[] {
  const v = g.attr(name);
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(String);
  throw new TypeError(`${g.file}: attribute "${name}" of "${g.path}" is not text`);
}
