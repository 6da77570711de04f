import type { Layer, Node, SymbolicTensor } from "@kerno/layers";

/** The nodes and layers of a Functional graph, in Keras's orders. */
export interface GraphMap {
  /** Every node of the model, topologically sorted (inputs first), InputLayer nodes included. */
  readonly nodes: readonly Node[];
  /** The same nodes, for membership tests (Keras's `model._nodes`). */
  readonly nodeSet: ReadonlySet<Node>;
  /** Nodes by depth (0 = nearest the outputs), in Keras's insertion order. */
  readonly nodesByDepth: ReadonlyMap<number, readonly Node[]>;
  /** The layers (Keras's `model.operations`): deepest first, then by traversal order. */
  readonly layers: readonly Layer[];
}

/** The nodes that produce the tensors a node reads, in argument order (Keras's `parent_nodes`). */
export function parentNodes(node: Node): Node[] {
  return node.parents.map((t) => t.node);
}

/**
 * Keras's `_build_map`: a depth-first walk back from the outputs that stops at the model inputs.
 * Returns the nodes in post-order (a topological order) and the first-visit index of each layer.
 */
export function buildMap(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): { order: Node[]; layerIndex: Map<Layer, number> } {
  const inputSet = new Set(inputs);
  const finished = new Set<Node>();
  const inProgress = new Set<Node>();
  const order: Node[] = [];
  const layerIndex = new Map<Layer, number>();
  const visit = (tensor: SymbolicTensor): void => {
    const node = tensor.node;
    if (finished.has(node)) return;
    if (inProgress.has(node)) {
      throw new TypeError(
        `Tensor ${tensor} from layer "${node.layer.name}" is part of a cycle`,
      );
    }
    if (!layerIndex.has(node.layer)) layerIndex.set(node.layer, layerIndex.size);
    inProgress.add(node);
    if (!node.isInput && !inputSet.has(tensor)) {
      for (const parent of node.parents) visit(parent);
    }
    finished.add(node);
    inProgress.delete(node);
    order.push(node);
  };
  for (const output of outputs) visit(output);
  return { order, layerIndex };
}

/**
 * Keras's `map_graph` for inputs that are all `Input()` tensors: node depths, the Keras order of
 * the layers, and unique layer names. Connectivity is checked beforehand (see `connect.ts`).
 */
export function mapGraph(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
): GraphMap {
  const { order, layerIndex } = buildMap(inputs, outputs);
  const nodeDepth = new Map<Node, number>();
  const layerDepth = new Map<Layer, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i];
    if (!nodeDepth.has(node)) nodeDepth.set(node, 0);
    const depth = Math.max(nodeDepth.get(node)!, layerDepth.get(node.layer) ?? 0);
    layerDepth.set(node.layer, depth);
    nodeDepth.set(node, depth);
    for (const parent of parentNodes(node)) {
      nodeDepth.set(parent, Math.max(depth + 1, nodeDepth.get(parent) ?? 0));
    }
  }
  const nodes = [...order];
  for (const input of inputs) {
    const layer = input.node.layer;
    if (!layerDepth.has(layer)) {
      layerDepth.set(layer, 0);
      layerIndex.set(layer, -1);
      nodeDepth.set(input.node, 0);
      nodes.unshift(input.node);
    }
  }
  const nodesByDepth = new Map<number, Node[]>();
  for (const [node, depth] of nodeDepth) {
    const list = nodesByDepth.get(depth) ?? [];
    list.push(node);
    nodesByDepth.set(depth, list);
  }
  const layersByDepth = new Map<number, Layer[]>();
  for (const [layer, depth] of layerDepth) {
    const list = layersByDepth.get(depth) ?? [];
    list.push(layer);
    layersByDepth.set(depth, list);
  }
  const layers: Layer[] = [];
  for (const depth of [...layersByDepth.keys()].sort((a, b) => b - a)) {
    const list = layersByDepth.get(depth)!;
    list.sort((a, b) => layerIndex.get(a)! - layerIndex.get(b)!);
    layers.push(...list);
  }
  const names = new Map<string, number>();
  for (const layer of layers) names.set(layer.name, (names.get(layer.name) ?? 0) + 1);
  for (const [name, count] of names) {
    if (count > 1) {
      throw new TypeError(
        `The name "${name}" is used ${count} times in the model. All layer names should be unique.`,
      );
    }
  }
  return { nodes, nodeSet: new Set(nodes), nodesByDepth, layers };
}
