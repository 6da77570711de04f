import type { Layer, Variable } from "@kerno/layers";
import type { H5Group } from "./h5/mod.ts";
import { applyWeights, type PlannedWeight } from "./_assign.ts";
import { convertCuDNNWeights } from "./cudnn_weights.ts";
import type { Model } from "./_model_api.ts";

/**
 * Reads a string-list attribute that Keras may have split into chunks because of HDF5's 64 KB
 * attribute limit: `name`, or `name0`, `name1`, … (Keras's `load_attributes_from_hdf5_group`).
 */
export function readChunkedAttr(group: H5Group, name: string): string[] | undefined {
  const whole = group.attr(name);
  if (whole !== undefined) return toStrings(whole);
  if (!group.hasAttr(`${name}0`)) return undefined;
  const out: string[] = [];
  for (let i = 0; group.hasAttr(`${name}${i}`); i++) {
    out.push(...toStrings(group.attr(`${name}${i}`)!));
  }
  return out;
}

function toStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.map(String);
  return [];
}

/** Options of {@linkcode loadLegacyWeights}. */
export interface LegacyWeightsOptions {
  /**
   * What the model was read from (`model.json`), named when the file's layers do not line up
   * with the model's; default `the model`.
   */
  modelLabel?: string;
  /** Collects one line when layers line up by order but their names differ. */
  notes?: string[];
}

/**
 * Loads legacy Keras HDF5 weights (`model_weights` of a `.h5` model file, or the root of a Keras 2
 * `save_weights` file) into `model`, the way Keras does: by order. The k-th entry of
 * `layer_names` that has weights goes to the k-th layer of `model.layers` that has weights, and
 * the arrays go in `weight_names` order. Weights in the layout of Keras 2's CuDNNLSTM/CuDNNGRU are
 * converted for LSTM/GRU (see {@linkcode convertCuDNNWeights}). Counts and shapes are all checked
 * before anything is written; when the counts of layers differ, the error names the layers found
 * in only one of the file and the model.
 */
export function loadLegacyWeights(
  model: Model,
  group: H5Group,
  label: string,
  options: LegacyWeightsOptions = {},
): void {
  const layerNames = readChunkedAttr(group, "layer_names");
  if (!layerNames) {
    throw new TypeError(
      `${label}: "${group.path}" has no layer_names attribute (not Keras weights)`,
    );
  }
  const fileLayers = layerNames
    .map((name) => {
      const g = group.get(name);
      if (!g || !("keys" in g)) {
        throw new TypeError(
          `${label}: layer_names lists "${name}", but the file has no such group`,
        );
      }
      const g2 = g as H5Group;
      return { name, group: g2, weightNames: readChunkedAttr(g2, "weight_names") ?? [] };
    })
    .filter((l) => l.weightNames.length > 0);
  const modelLayers = model.layers.filter((l) => l.weights.length > 0);
  const modelLabel = options.modelLabel ?? "the model";
  const fileNames = fileLayers.map((l) => l.name);
  const modelNames = modelLayers.map((l) => l.name);
  if (fileLayers.length !== modelLayers.length) {
    throw new RangeError(
      `${label}: the file has weights for ${fileLayers.length} layers (${
        fileNames.join(", ")
      }), but ${modelLabel} has ${modelLayers.length} layers with weights (${
        modelNames.join(", ")
      })${unmatched(fileNames, modelNames, "the file", modelLabel)}`,
    );
  }
  const plan: PlannedWeight[] = [];
  const owners = new Map<Variable, string>();
  fileLayers.forEach((fl, k) => {
    const layer: Layer = modelLayers[k];
    const vars = layer.legacyWeights;
    if (fl.weightNames.length !== vars.length) {
      throw new RangeError(
        `${label}: layer "${layer.name}" (file layer "${fl.name}") expects ${vars.length} weights, but the file has ${fl.weightNames.length}: ${
          fl.weightNames.join(", ")
        }`,
      );
    }
    const stored = fl.weightNames.map((wn) => {
      const d = fl.group.dataset(wn);
      return { read: () => d.readFloat32(), shape: d.shape };
    });
    const arrays = convertCuDNNWeights(layer, stored, `${label}: layer "${fl.name}"`);
    fl.weightNames.forEach((wn, i) => {
      owners.set(vars[i], layer.name);
      plan.push({
        variable: vars[i],
        read: arrays[i].read,
        shape: arrays[i].shape,
        source: `${label}: ${group.path === "/" ? "" : group.path.slice(1) + "/"}${fl.name}/${wn}`,
      });
    });
  });
  applyWeights(plan, (v) => owners.get(v) ?? v.owner.name);
  if (fileNames.some((n, k) => n !== modelNames[k])) {
    options.notes?.push(
      `${label}: layers matched to ${modelLabel} by order, as Keras does: ${
        fileNames.map((n, k) => n === modelNames[k] ? n : `${n} -> ${modelNames[k]}`).join(", ")
      }`,
    );
  }
}

/** `; only in A: "x"; only in B: "y"` for names in one list and not the other (or ""). */
function unmatched(a: string[], b: string[], aLabel: string, bLabel: string): string {
  const onlyA = a.filter((n) => !b.includes(n));
  const onlyB = b.filter((n) => !a.includes(n));
  const list = (names: string[]) => names.map((n) => `"${n}"`).join(", ");
  return (onlyA.length > 0 ? `; only in ${aLabel}: ${list(onlyA)}` : "") +
    (onlyB.length > 0 ? `; only in ${bLabel}: ${list(onlyB)}` : "");
}
