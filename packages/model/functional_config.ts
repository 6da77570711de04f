import {
  type Node,
  type OutputStructure,
  serializeLayer,
  type SymbolicTensor,
} from "@kerno/layers";
import type { GraphMap } from "./graph.ts";
import { positionalNodes, singleStateNodes } from "./node_form.ts";
import { mapStructure } from "./structure.ts";

/** The index of `node` among its layer's calls that belong to the model. */
function modelNodeIndex(node: Node, nodeSet: ReadonlySet<Node>): number {
  let index = 0;
  for (const n of node.layer.inboundNodes) {
    if (n === node) return index;
    if (nodeSet.has(n)) index++;
  }
  throw new Error(`Internal error: node of layer "${node.layer.name}" is not among its calls`);
}

/** `[layer, node_index, tensor_index]` of a tensor, with node indices counted within the model. */
export function tensorHistory(
  t: SymbolicTensor,
  nodeSet: ReadonlySet<Node>,
): [string, number, number] {
  return [t.node.layer.name, modelNodeIndex(t.node, nodeSet), t.index];
}

/** Keras 3's `__keras_tensor__` form of a symbolic tensor in a node's arguments. */
export function serializeTensor(
  t: SymbolicTensor,
  nodeSet: ReadonlySet<Node>,
): Record<string, unknown> {
  return {
    class_name: "__keras_tensor__",
    config: { shape: [...t.shape], dtype: t.dtype, keras_history: tensorHistory(t, nodeSet) },
  };
}

/** Keras 3's `{args, kwargs}` form of one layer call (Keras's `serialize_node`). */
export function serializeNode(
  node: Node,
  nodeSet: ReadonlySet<Node>,
): { args: unknown[]; kwargs: Record<string, unknown> } {
  const call = node.call;
  const ser = (t: SymbolicTensor) => serializeTensor(t, nodeSet);
  const tensors = call.inputs.map(ser);
  const positional = positionalNodes.has(node) || node.layer.callTakesInputsPositionally;
  const args: unknown[] = call.inputsAsList && !positional ? [tensors] : tensors;
  args.push(...call.extraArgs);
  const kwargs: Record<string, unknown> = {};
  if (call.initialState) {
    kwargs.initial_state = singleStateNodes.has(node) && call.initialState.length === 1
      ? ser(call.initialState[0])
      : call.initialState.map(ser);
  }
  for (const [k, v] of Object.entries(call.kwargs)) kwargs[k] = v;
  if (call.mask !== undefined) kwargs.mask = call.mask === null ? null : ser(call.mask);
  return { args, kwargs };
}

/**
 * Keras 3's Functional config: `{name, trainable, layers, input_layers, output_layers}`, where each
 * layer carries its `name` and the `inbound_nodes` that belong to this model.
 */
export function functionalConfig(
  name: string,
  trainable: boolean,
  graph: GraphMap,
  inputs: readonly SymbolicTensor[],
  inputStructure: OutputStructure,
  outputs: readonly SymbolicTensor[],
  outputStructure: OutputStructure,
): Record<string, unknown> {
  const layers = graph.layers.map((layer) => {
    const inbound = layer.inboundNodes
      .filter((n) => graph.nodeSet.has(n) && !n.isInput)
      .map((n) => serializeNode(n, graph.nodeSet));
    return { ...serializeLayer(layer), name: layer.name, inbound_nodes: inbound };
  });
  const history = (list: readonly SymbolicTensor[]) => (i: number) =>
    tensorHistory(list[i], graph.nodeSet);
  return {
    name,
    trainable,
    layers,
    input_layers: mapStructure(inputStructure, history(inputs)),
    output_layers: mapStructure(outputStructure, history(outputs)),
  };
}
