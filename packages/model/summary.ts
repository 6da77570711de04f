import type { Layer, Node, Shape, Variable } from "@kerno/layers";
import type { GraphMap } from "./graph.ts";
import type { SummaryRow } from "./summary_format.ts";
import { thousands } from "./summary_format.ts";

/** A shape as Keras's summary prints it: `(None, 5, 3)` (a 1-D shape prints as `(None)`). */
export function summaryShape(shape: Shape): string {
  return `(${shape.map((d) => (d === null ? "None" : String(d))).join(", ")})`;
}

/**
 * Keras's `format_layer_shape`: the output shapes of the layer's last call, one shape alone or a
 * flat list `[(None, 4), (None, 4)]`; `?` for a layer that was never called or built.
 */
export function layerShapeText(layer: Layer): string {
  let shapes: readonly Shape[];
  const last = layer.inboundNodes.at(-1);
  if (last) shapes = last.outputs.map((t) => t.shape);
  else if (layer.buildShapes) {
    try {
      shapes = layer.computeOutputShape(layer.buildShapes, { initialState: null, extraArgs: [] });
    } catch {
      return "?";
    }
  } else return "?";
  const texts = shapes.map(summaryShape);
  return texts.length === 1 ? texts[0] : `[${texts.join(", ")}]`;
}

/** `input_layer[0][0], lstm[0][1]`: the tensors each of the layer's calls in the model reads. */
export function connectionsText(layer: Layer, nodeSet: ReadonlySet<Node>): string {
  const parts: string[] = [];
  for (const node of layer.inboundNodes) {
    if (!nodeSet.has(node)) continue;
    for (const t of node.parents) {
      const [name, nodeIndex, tensorIndex] = t.history;
      parts.push(`${name}[${nodeIndex}][${tensorIndex}]`);
    }
  }
  return parts.length > 0 ? parts.join(", ") : "-";
}

/**
 * Keras's test for printing a Functional model like a Sequential one: one node per depth, each
 * reading one tensor, and no layer called twice.
 */
export function isSequentialLike(graph: GraphMap): boolean {
  const nodes: Node[] = [];
  for (const list of graph.nodesByDepth.values()) {
    if (list.length > 1 || (list.length === 1 && list[0].parents.length > 1)) return false;
    nodes.push(...list);
  }
  const inModel = new Set(nodes);
  for (const layer of graph.layers) {
    if (layer.inboundNodes.filter((n) => inModel.has(n)).length > 1) return false;
  }
  return true;
}

/** One summary row for a layer; `nodeSet` adds the "Connected to" cell. */
export function summaryRow(layer: Layer, nodeSet?: ReadonlySet<Node>): SummaryRow {
  const params = layer.built ? thousands(layer.countParams()) : "0 (unbuilt)";
  const row: SummaryRow = {
    name: `${layer.name} (${layer.className})`,
    outputShape: layerShapeText(layer),
    params,
  };
  return nodeSet ? { ...row, connectedTo: connectionsText(layer, nodeSet) } : row;
}

function isTrainable(v: Variable, top: Layer): boolean {
  if (!v.trainable) return false;
  for (let l: Layer | null = v.owner; l !== null; l = l.parent) {
    if (!l.trainable) return false;
    if (l === top) break;
  }
  return top.trainable;
}

/** Trainable and non-trainable scalar counts and float32 bytes of a model's weights. */
export function weightTotals(model: Layer): {
  trainable: { count: number; bytes: number };
  nonTrainable: { count: number; bytes: number };
} {
  const trainable = { count: 0, bytes: 0 };
  const nonTrainable = { count: 0, bytes: 0 };
  for (const v of new Set(model.variables)) {
    const bucket = isTrainable(v, model) ? trainable : nonTrainable;
    bucket.count += v.value.size;
    bucket.bytes += v.value.size * 4;
  }
  return { trainable, nonTrainable };
}
