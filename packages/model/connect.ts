import { Node, SymbolicTensor } from "@kerno/layers";
import { buildMap } from "./graph.ts";
import { InputLayer } from "./input_layer.ts";
import { positionalNodes, singleStateNodes } from "./node_form.ts";

/** The inputs and outputs a model is built on, after intermediate inputs were replaced. */
export interface ConnectedEnds {
  /** Model inputs: every one produced by an InputLayer. */
  readonly inputs: SymbolicTensor[];
  /** Model outputs, flat. */
  readonly outputs: SymbolicTensor[];
}

function collectUnlistedInputs(
  from: SymbolicTensor,
  inputSet: ReadonlySet<SymbolicTensor>,
): SymbolicTensor[] {
  const found: SymbolicTensor[] = [];
  const seen = new Set<SymbolicTensor>();
  const walk = (t: SymbolicTensor): void => {
    if (seen.has(t) || inputSet.has(t)) return;
    seen.add(t);
    if (t.node.isInput) found.push(t);
    else for (const p of t.node.parents) walk(p);
  };
  walk(from);
  return found;
}

function disconnectedError(
  output: SymbolicTensor,
  path: string,
  computable: ReadonlySet<SymbolicTensor>,
  inputSet: ReadonlySet<SymbolicTensor>,
  modelName: string,
): TypeError {
  const head =
    `Output with path \`${path}\` of model "${modelName}" is not connected to \`inputs\``;
  const node = output.node;
  if (node.isInput) {
    return new TypeError(
      `${head}: it is the tensor ${output} of Input layer "${node.layer.name}", which is not ` +
        "listed in `inputs`",
    );
  }
  const missing = node.parents.find((p) => !computable.has(p)) ?? output;
  const unlisted = collectUnlistedInputs(missing, inputSet);
  const because = unlisted.length > 0
    ? ` (it depends on ${
      unlisted.map((u) => `Input layer "${u.node.layer.name}" ${u}`).join(", ")
    }, not listed in \`inputs\`)`
    : missing === output
    ? " (the same layer call also produces a model input, so its other outputs are not computed)"
    : "";
  return new TypeError(
    `Graph disconnected: cannot find parent for tensor ${missing} at operation '${node.layer}'. ` +
      `${head}${because}`,
  );
}

/**
 * Checks that every output can be computed from the inputs (naming the tensor that cannot), and,
 * when an input is an intermediate tensor rather than an `Input()`, gives the model a fresh
 * InputLayer there (named `<tensor>CLONE`, as Keras does) and re-records the layer calls between
 * inputs and outputs on the new tensors.
 */
export function connectEnds(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
  outputPaths: readonly string[],
  modelName: string,
): ConnectedEnds {
  const inputSet = new Set(inputs);
  if (inputSet.size !== inputs.length) {
    const dup = inputs.find((t, i) => inputs.indexOf(t) !== i);
    throw new TypeError(
      `Model "${modelName}": the tensor ${dup} appears more than once in \`inputs\``,
    );
  }
  const { order } = buildMap(inputs, outputs);
  const isStop = (node: Node): boolean => node.outputs.some((t) => inputSet.has(t));
  const computable = new Set<SymbolicTensor>(inputs);
  const live: Node[] = [];
  for (const node of order) {
    if (node.isInput || isStop(node)) continue;
    if (node.parents.every((p) => computable.has(p))) {
      for (const t of node.outputs) computable.add(t);
      live.push(node);
    }
  }
  outputs.forEach((t, i) => {
    if (!computable.has(t)) {
      throw disconnectedError(t, outputPaths[i] ?? String(i), computable, inputSet, modelName);
    }
  });
  if (inputs.every((t) => t.node.isInput)) return { inputs: [...inputs], outputs: [...outputs] };

  const map = new Map<SymbolicTensor, SymbolicTensor>();
  const newInputs = inputs.map((t) => {
    const replacement = t.node.isInput
      ? t
      : new InputLayer({ batchShape: t.shape, dtype: t.dtype, name: `${t.name}CLONE` }).output;
    map.set(t, replacement);
    return replacement;
  });
  const get = (t: SymbolicTensor): SymbolicTensor => map.get(t)!;
  for (const node of live) {
    const call = node.call;
    const clone = new Node(node.layer, {
      ...call,
      inputs: call.inputs.map(get),
      initialState: call.initialState ? call.initialState.map(get) : null,
      mask: call.mask ? get(call.mask) : call.mask,
    });
    if (positionalNodes.has(node)) positionalNodes.add(clone);
    if (singleStateNodes.has(node)) singleStateNodes.add(clone);
    clone.outputs = node.outputs.map((t) =>
      new SymbolicTensor(t.shape, t.dtype, clone, t.index, t.hasMask)
    );
    node.outputs.forEach((t, i) => map.set(t, clone.outputs[i]));
  }
  return { inputs: newInputs, outputs: outputs.map(get) };
}
