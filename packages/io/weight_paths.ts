import { type Layer, toSnakeCase, type Variable } from "@kerno/layers";
import type { Model } from "./_model_api.ts";

/** One object that owns variables, at its place in a Keras 3 weights file. */
export interface WeightSlot {
  /** Group path of the object, e.g. `layers/bidirectional/forward_layer/cell` (`""` = the model). */
  readonly path: string;
  /** The object's name (`vars` groups carry it as the `name` attribute). */
  readonly name: string;
  /** The top-level layer it belongs to (for messages); `null` for the model itself. */
  readonly layer: Layer | null;
  /** Its own variables, trainable first, stored as `vars/0`, `vars/1`, …. */
  readonly variables: Variable[];
}

function isOperation(layer: Layer): boolean {
  const module = (layer.constructor as { module?: string }).module ?? "";
  return module.startsWith("keras.src.ops");
}

/** A layer's own variables (not its children's), trainable ones first, as Keras saves them. */
export function ownVariables(layer: Layer): Variable[] {
  const own = layer.variables.filter((v) => v.owner === layer);
  return [...own.filter((v) => v.trainable), ...own.filter((v) => !v.trainable)];
}

/**
 * Where every variable of `model` lives in a Keras 3 `.weights.h5` (and in `model.weights.h5`
 * inside `.keras`), following Keras's `_save_state`: the model at the root, `layers/<name>` for
 * each of `model.layers` with `<name>` the snake_case class name plus a counter (`lstm`, `lstm_1`),
 * then each child under its attribute name (`cell`, `forward_layer`, `backward_layer`, `layer`),
 * and lists of children likewise (`cells/lstm_cell`, `cells/lstm_cell_1`). An object reached
 * twice (a shared layer) is listed once.
 *
 * @example
 * ```ts ignore
 * kerasWeightSlots(model).map((s) => s.path);
 * // ["", "layers/lstm", "layers/lstm/cell", "layers/dense"]
 * ```
 */
export function kerasWeightSlots(model: Model): WeightSlot[] {
  const out: WeightSlot[] = [{ path: "", name: model.name, layer: null, variables: [] }];
  const seen = new Set<Layer>();
  const visit = (layer: Layer, path: string, top: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    out.push({ path, name: layer.name, layer: top, variables: ownVariables(layer) });
    for (const [attr, child] of layer.children()) {
      if (Array.isArray(child)) container(child, `${path}/${attr}`, top);
      else visit(child, `${path}/${attr}`, top);
    }
  };
  const container = (layers: readonly Layer[], path: string, top: Layer | null): void => {
    const used = new Map<string, number>();
    for (const layer of layers) {
      const base = toSnakeCase(layer.className);
      const n = used.get(base);
      used.set(base, n === undefined ? 0 : n + 1);
      const name = n === undefined ? base : `${base}_${n + 1}`;
      visit(layer, `${path}/${name}`.replace(/^\//, ""), top ?? layer);
    }
  };
  container(model.layers.filter((l) => !isOperation(l)), "layers", null);
  return out;
}
