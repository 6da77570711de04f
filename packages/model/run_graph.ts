import type { Tensor } from "@kerno/tensor";
import {
  type CallContext,
  currentLimits,
  formatBytes,
  type Node,
  raiseHint,
  type SymbolicTensor,
} from "@kerno/layers";
import type { GraphPlan } from "./batchnorm_fold.ts";

/** Concrete values (and their masks) computed by {@linkcode runGraph}. */
export interface GraphRun {
  /** Output values, in the order of the requested outputs. */
  readonly outputs: Tensor[];
  /** The mask each output carries (`null` for none). */
  readonly masks: (Tensor | null)[];
}

/**
 * Runs the layer calls of a graph on concrete tensors, in topological order. Masks follow Keras:
 * a call with an explicit `mask` uses it; otherwise a call without `initial_state` receives the
 * masks its inputs carry; each layer's `computeMask` gives the masks of its outputs. With a
 * `plan`, its skipped nodes do not run, its runners run their nodes, and a tensor it redirects is
 * read as the other one.
 *
 * `into` (one entry per output, optional) passes the caller's wish for where an output should
 * be written to the layer that produces it ({@linkcode CallContext.into}); the layer may ignore
 * it, so the caller checks where each output landed.
 */
export function runGraph(
  nodes: readonly Node[],
  inputs: readonly SymbolicTensor[],
  values: readonly Tensor[],
  inputMasks: readonly (Tensor | null)[],
  outputs: readonly SymbolicTensor[],
  into: readonly (Float32Array | null)[] = [],
  plan: GraphPlan | null = null,
): GraphRun {
  const wish = new Map<SymbolicTensor, Float32Array>();
  outputs.forEach((t, i) => {
    const dest = into[i];
    if (dest && !wish.has(t)) wish.set(t, dest);
  });
  const resolve = (t: SymbolicTensor): SymbolicTensor => {
    for (let r = plan?.redirect.get(t); r !== undefined; r = plan!.redirect.get(r)) t = r;
    return t;
  };
  const runs = plan ? nodes.filter((n) => !plan.skip.has(n)) : nodes;
  const value = new Map<SymbolicTensor, Tensor>();
  const mask = new Map<SymbolicTensor, Tensor | null>();
  // Uses left of each tensor, so intermediate results can be dropped once read for the last time.
  const uses = new Map<SymbolicTensor, number>();
  const use = (t: SymbolicTensor) => uses.set(t, (uses.get(t) ?? 0) + 1);
  for (const node of runs) if (!node.isInput) node.parents.forEach((t) => use(resolve(t)));
  outputs.forEach((t) => use(resolve(t)));
  const release = (t: SymbolicTensor) => {
    const left = (uses.get(t) ?? 0) - 1;
    uses.set(t, left);
    if (left <= 0) {
      value.delete(t);
      mask.delete(t);
    }
  };
  inputs.forEach((t, i) => {
    value.set(t, values[i]);
    mask.set(t, inputMasks[i] ?? null);
  });
  const get = (s: SymbolicTensor): Tensor => {
    const t = resolve(s);
    const v = value.get(t);
    if (v === undefined) {
      throw new Error(`Internal error: tensor ${t} was used before it was computed`);
    }
    return v;
  };
  for (const node of runs) {
    if (node.isInput) continue;
    const call = node.call;
    const ins = call.inputs.map(get);
    const initialState = call.initialState ? call.initialState.map(get) : null;
    const noMasks = (): (Tensor | null)[] => ins.map(() => null);
    let masks: (Tensor | null)[];
    if (call.mask !== undefined) {
      masks = noMasks();
      if (call.mask !== null) masks[0] = get(call.mask);
    } else if (Array.isArray(call.kwargs.mask) || initialState !== null) {
      masks = noMasks();
    } else {
      masks = call.inputs.map((t) => mask.get(resolve(t)) ?? null);
    }
    const dests = wish.size === 0 ? null : node.outputs.map((t) => wish.get(t) ?? null);
    const context: CallContext = {
      masks,
      initialState,
      training: false,
      extraArgs: call.extraArgs,
      callArgs: call.kwargs,
      ...(dests?.some((d) => d !== null) ? { into: dests } : {}),
    };
    checkOutputSizes(node, ins);
    const runner = plan?.runners.get(node);
    const outs = runner ? runner(ins, context) : node.layer.call(ins, context);
    if (outs.length !== node.outputs.length) {
      throw new Error(
        `Layer "${node.layer.name}" returned ${outs.length} outputs, but its graph node has ${node.outputs.length}`,
      );
    }
    const outMasks = node.layer.computeMask(ins, masks);
    node.outputs.forEach((t, i) => {
      if (!uses.get(t)) return;
      value.set(t, outs[i]);
      mask.set(t, outMasks[i] ?? null);
    });
    node.parents.forEach((t) => release(resolve(t)));
  }
  return {
    outputs: outputs.map(get),
    masks: outputs.map((t) => mask.get(resolve(t)) ?? null),
  };
}

/**
 * Refuses, before the layer runs, an output whose declared shape at this call's rows (unknown
 * dimensions taken from the first input, else 1) is over `maxActivationBytes`: a config with
 * `RepeatVector(n=1e9)` stops here instead of in the allocator.
 */
function checkOutputSizes(node: Node, ins: readonly Tensor[]): void {
  const max = currentLimits().maxActivationBytes;
  const first = ins[0]?.shape ?? [];
  for (const t of node.outputs) {
    const dims = t.shape.map((d, i) => d ?? (i < first.length ? first[i] : 1));
    const bytes = dims.reduce((a, b) => a * b, 1) * 4;
    if (bytes > max) {
      throw new RangeError(
        `${node.layer.className} layer "${node.layer.name}": its output of shape (${
          dims.join(", ")
        }) would take ${formatBytes(bytes)}, more than allowed (${
          raiseHint("maxActivationBytes")
        })`,
      );
    }
  }
}
