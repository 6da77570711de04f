import { type LambdaSupply, type Shape, shapeToString } from "@kerno/layers";

/** A Lambda layer found in a model config, with the shapes the config records for it. */
export interface LambdaLayerInfo {
  /** Layer name. */
  name: string;
  /** Shapes of its inputs, when the config records them (Keras 3 files do). */
  inputShapes: Shape[] | null;
  /** Shape of its output, when the config records it. */
  outputShape: Shape | null;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function shapeOf(v: unknown): Shape | null {
  return Array.isArray(v) && v.every((d) => d === null || Number.isInteger(d)) ? v as Shape : null;
}

/** Every `__keras_tensor__` below `v`: its history `[layer, node, index]` and shape. */
function kerasTensors(v: unknown, out: { layer: string; shape: Shape | null }[] = []) {
  if (Array.isArray(v)) v.forEach((x) => kerasTensors(x, out));
  else if (isRecord(v)) {
    if (v.class_name === "__keras_tensor__" && isRecord(v.config)) {
      const h = v.config.keras_history;
      if (Array.isArray(h) && typeof h[0] === "string") {
        out.push({ layer: h[0], shape: shapeOf(v.config.shape) });
      }
    } else Object.values(v).forEach((x) => kerasTensors(x, out));
  }
  return out;
}

function layerName(layer: Json): string {
  const c = isRecord(layer.config) ? layer.config : {};
  return String(c.name ?? layer.name ?? "?");
}

function savedOutputShape(layer: Json): Shape | null {
  const c = isRecord(layer.config) ? layer.config : {};
  const s = shapeOf(c.output_shape);
  return s ? [null, ...s] : null;
}

function visit(node: unknown, found: LambdaLayerInfo[]): void {
  if (Array.isArray(node)) return node.forEach((x) => visit(x, found));
  if (!isRecord(node)) return;
  const config = isRecord(node.config) ? node.config : null;
  const layers = config && Array.isArray(config.layers) ? config.layers as unknown[] : null;
  if (layers && (node.class_name === "Functional" || node.class_name === "Model")) {
    const produced = kerasTensors(layers.map((l) => isRecord(l) ? l.inbound_nodes : null));
    layers.forEach((l) => {
      if (!isRecord(l) || l.class_name !== "Lambda") return visit(l, found);
      const name = layerName(l);
      const inputs = kerasTensors(l.inbound_nodes).map((t) => t.shape);
      const out = produced.find((t) => t.layer === name)?.shape ?? savedOutputShape(l);
      found.push({
        name,
        inputShapes: inputs.length > 0 && inputs.every((s) => s) ? inputs as Shape[] : null,
        outputShape: out,
      });
    });
    return;
  }
  if (layers && node.class_name === "Sequential") {
    layers.forEach((l, i) => {
      if (!isRecord(l) || l.class_name !== "Lambda") return visit(l, found);
      const before = layers[i - 1] as Json | undefined;
      const after = layers[i + 1] as Json | undefined;
      const built = (x: Json | undefined) =>
        isRecord(x?.build_config) ? shapeOf(x.build_config.input_shape) : null;
      const input = built(l) ??
        (before?.class_name === "InputLayer" && isRecord(before.config)
          ? shapeOf(before.config.batch_shape)
          : null);
      found.push({
        name: layerName(l),
        inputShapes: input ? [input] : null,
        outputShape: built(after) ?? savedOutputShape(l),
      });
    });
    return;
  }
  if (node.class_name === "Lambda") {
    found.push({ name: layerName(node), inputShapes: null, outputShape: savedOutputShape(node) });
    return;
  }
  Object.values(node).forEach((x) => visit(x, found));
}

/**
 * The Lambda layers of a Keras model config (nested models and wrappers included), with the
 * input and output shapes the config records (Keras 3 files record them; Keras 2 files do not).
 *
 * @example
 * ```ts ignore
 * findLambdaLayers(JSON.parse(configText)); // [{ name: "lambda", inputShapes: [[null, 5, 4]], … }]
 * ```
 */
export function findLambdaLayers(serialized: unknown): LambdaLayerInfo[] {
  const found: LambdaLayerInfo[] = [];
  visit(serialized, found);
  return found;
}

function describe(info: LambdaLayerInfo): string {
  const input = info.inputShapes ? info.inputShapes.map(shapeToString).join(", ") : "?";
  const output = info.outputShape ? shapeToString(info.outputShape) : "?";
  return `"${info.name}": input ${input} -> output ${output}`;
}

/**
 * Checks, before anything is built, that every Lambda layer of the config has a TypeScript body
 * in `lambdas` and that every name in `lambdas` is a Lambda layer. The error lists every Lambda
 * layer by name with its input and output shapes, and shows how to supply the bodies.
 */
export function checkLambdaBodies(
  serialized: unknown,
  lambdas: Record<string, LambdaSupply> = {},
): void {
  const found = findLambdaLayers(serialized);
  const names = new Set(found.map((l) => l.name));
  const unknown = Object.keys(lambdas).filter((n) => !names.has(n));
  if (unknown.length > 0) {
    throw new TypeError(
      `lambdas names ${unknown.map((n) => `"${n}"`).join(", ")}, which ${
        unknown.length === 1 ? "is not a Lambda layer" : "are not Lambda layers"
      } of the model (its Lambda layers: ${
        found.length === 0 ? "none" : found.map((l) => `"${l.name}"`).join(", ")
      })`,
    );
  }
  const missing = found.filter((l) => !Object.hasOwn(lambdas, l.name));
  if (missing.length === 0) return;
  const example = missing.map((l) => `"${l.name}": (x) => …`).join(", ");
  throw new TypeError(
    `The model has ${found.length} Lambda layer${
      found.length === 1 ? "" : "s"
    } whose body is Python code, which Kerno never runs; ${missing.length} ${
      missing.length === 1 ? "has" : "have"
    } no TypeScript body:\n${missing.map((l) => `  - ${describe(l)}`).join("\n")}\n` +
      `Supply each by name: loadModel(path, { lambdas: { ${example} } }) ` +
      `(or modelFromJSON(config, { lambdas })); give { fn, outputShape } when the output shape ` +
      `cannot be inferred by running the function.`,
  );
}
