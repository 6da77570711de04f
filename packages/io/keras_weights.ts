import type { Variable } from "@kerno/layers";
import { H5Dataset, type H5Group, H5Writer } from "./h5/mod.ts";
import { applyWeights, checkWeights, type PlannedWeight } from "./_assign.ts";
import type { Model } from "./_model_api.ts";
import { kerasWeightSlots } from "./weight_paths.ts";

/**
 * Loads a Keras 3 weights file (`.weights.h5`, or `model.weights.h5` of a `.keras` archive) into
 * `model`, matching by structure (see {@linkcode kerasWeightSlots}). Every variable must find a
 * dataset of its shape at `<path>/vars/<i>`, and the file may hold no weights for objects the
 * model does not have; otherwise an error names the file, the layer and the path, and the model is
 * left untouched.
 */
export function loadKerasWeights(model: Model, root: H5Group, label: string): void {
  const slots = kerasWeightSlots(model);
  const plan: PlannedWeight[] = [];
  const owners = new Map<Variable, string>();
  const expected = new Set<string>();
  for (const slot of slots) {
    const keras = slot.path === "" ? "vars" : `${slot.path}/vars`;
    expected.add(keras);
    const where = slot.layer ? `layer "${slot.layer.name}"` : `model "${slot.name}"`;
    const varsPath = storedVarsPath(root, slot.path);
    const group = root.get(varsPath);
    const stored = group && !(group instanceof H5Dataset)
      ? group.keys().filter((k) => /^\d+$/.test(k))
      : [];
    if (slot.variables.length === 0 && stored.length === 0) continue;
    if (!group) {
      throw new TypeError(
        `${label}: no weights for ${where} (expected the group "${varsPath}" with ${slot.variables.length} variables)`,
      );
    }
    if (stored.length !== slot.variables.length) {
      throw new RangeError(
        `${label}: ${where} expects ${slot.variables.length} variables at "${varsPath}", but the file has ${stored.length}`,
      );
    }
    slot.variables.forEach((variable, i) => {
      const d = root.dataset(`${varsPath}/${i}`);
      owners.set(variable, slot.layer?.name ?? slot.name);
      plan.push({
        variable,
        read: () => d.readFloat32(),
        shape: d.shape,
        source: `${label}: ${varsPath}/${i}`,
      });
    });
  }
  const layerOf = (v: Variable) => owners.get(v) ?? v.owner.name;
  checkWeights(plan, layerOf);
  const layersGroup = root.get("layers");
  if (layersGroup && !(layersGroup instanceof H5Dataset)) {
    for (const path of varsGroups(layersGroup, "layers", label)) {
      if (!expected.has(path)) {
        throw new TypeError(
          `${label}: the file has weights at "${path}", which matches no layer of the model (is it the file of another model?)`,
        );
      }
    }
  }
  applyWeights(plan, layerOf);
}

/**
 * Where the file keeps the `vars` group of the object at Keras path `path`: `<path>/vars`, or,
 * in a `.keras` written by tf.keras 2.15 on Windows (which joined the path with `os.path.join`),
 * the one group `layers\lstm\cell` holding `vars`. Returns the Keras form when neither exists.
 */
function storedVarsPath(root: H5Group, path: string): string {
  const keras = path === "" ? "vars" : `${path}/vars`;
  if (path === "" || root.get(keras)) return keras;
  const windows = `${path.replaceAll("/", "\\")}/vars`;
  return root.get(windows) ? windows : keras;
}

/** Deepest group nesting searched for `vars` groups (a file whose groups loop stops here). */
const MAX_GROUP_DEPTH = 64;

/** Paths of `vars` groups that hold at least one dataset, below `group`. */
function varsGroups(group: H5Group, path: string, label: string): string[] {
  const out: string[] = [];
  const stack: [H5Group, string, number][] = [[group, path, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [g, p, depth] = stack.pop()!;
    if (depth > MAX_GROUP_DEPTH || ++visited > 100_000) {
      throw new RangeError(
        `${label}: groups nest deeper than ${MAX_GROUP_DEPTH} levels or number over 100000 at "${
          p.slice(0, 200)
        }…" (a group that contains itself?)`,
      );
    }
    for (const key of g.keys()) {
      const child = g.get(key);
      if (!child || child instanceof H5Dataset) continue;
      const childPath = `${p}/${key}`;
      if (key === "vars") {
        if (child.keys().length > 0) out.push(childPath);
      } else stack.push([child, childPath, depth + 1]);
    }
  }
  return out.sort();
}

/**
 * Writes `model`'s weights in Keras 3's `.weights.h5` layout: a `vars` group (with its `name`
 * attribute) per object, datasets `0`, `1`, … in creation order.
 */
export function kerasWeightsToBytes(model: Model): Uint8Array {
  const w = new H5Writer();
  for (const slot of kerasWeightSlots(model)) {
    const varsPath = slot.path === "" ? "vars" : `${slot.path}/vars`;
    w.group(varsPath, { name: slot.name });
    slot.variables.forEach((v, i) => w.dataset(`${varsPath}/${i}`, v.value.f32.slice(), v.shape));
  }
  return w.toBytes();
}
