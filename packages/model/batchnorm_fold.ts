/**
 * BatchNormalization folding, an optional plan for running a model's graph. At inference a
 * BatchNormalization is a per-feature affine map `y = inv ⊙ x + res`; where it follows a linear
 * Dense whose output nothing else reads, it folds into that Dense's kernel and bias, and where its
 * output feeds only a Dense or a recurrent layer (over the last axis), it folds into that layer's
 * input kernel and bias: the BatchNormalization then does not run. The folded kernels are copies
 * kept beside the layers and made again when a weight changes (`Variable.version`); the model's
 * weights, summary, configs and files are Keras's, unchanged.
 *
 * @module
 */
import {
  BatchNormalization,
  Bidirectional,
  BuiltinCell,
  type CallContext,
  Dense,
  type Layer,
  type Node,
  RNN,
  type SymbolicTensor,
} from "@kerno/layers";
import type { F32, Tensor } from "@kerno/tensor";

/**
 * The largest error amplification a fold into a following layer may have. Folding `x' = inv ⊙ x +
 * res` into the next kernel sums `x·(inv ⊙ W)` and `res·W` apart, two terms that cancel where the
 * input's mean is large against its spread; per feature the rounding error grows by
 * `(|inv|·(|mean| + σ) + |res|) / (|inv|·σ + |beta|)` (σ = √(variance + ε)), at most this: 1 means
 * no cancellation at all (mean and beta 0). Above it, the BatchNormalization runs as it is.
 */
export const MAX_INPUT_FOLD_AMPLIFICATION = 4;

/** Runs one node in place of its layer's `call`. */
export type NodeRunner = (inputs: Tensor[], context: CallContext) => Tensor[];

/** How to run a graph with its BatchNormalizations folded (see {@linkcode planBatchNormFolds}). */
export interface GraphPlan {
  /** Nodes that do not run. */
  readonly skip: ReadonlySet<Node>;
  /** Tensors read as another one (a skipped BatchNormalization's output as its input, or the reverse). */
  readonly redirect: ReadonlyMap<SymbolicTensor, SymbolicTensor>;
  /** Nodes run by a runner instead of their layer's `call`. */
  readonly runners: ReadonlyMap<Node, NodeRunner>;
}

let enabled = true;

/** Whether BatchNormalization folding is on for the graph runs now (default true). */
export function batchNormFolding(): boolean {
  return enabled;
}

/** Runs `body` with BatchNormalization folding on or off (`undefined` keeps the current setting). */
export function withBatchNormFolding<T>(on: boolean | undefined, body: () => T): T {
  if (on === undefined || on === enabled) return body();
  const before = enabled;
  enabled = on;
  try {
    return body();
  } finally {
    enabled = before;
  }
}

/**
 * A BatchNormalization over the last axis of its one input. Its mask argument needs no care: the
 * mask passes through it unchanged, so whoever reads its output reads the input's mask, or its own
 * explicit mask argument, which is still computed.
 */
function lastAxisBatchNorm(node: Node): BatchNormalization | null {
  const bn = node.layer;
  if (!(bn instanceof BatchNormalization) || !bn.movingMean) return null;
  const { inputs, initialState } = node.call;
  if (inputs.length !== 1 || node.outputs.length !== 1 || initialState) return null;
  const rank = inputs[0].shape.length;
  return bn.axis === -1 || bn.axis === rank - 1 ? bn : null;
}

/** The built-in cells whose input projection a fold replaces, or null when there are none. */
function foldableCells(layer: Layer): BuiltinCell[] | null {
  const cellOf = (l: Layer) =>
    l instanceof RNN && l.cell instanceof BuiltinCell && l.cell.weights.length >= 3 ? l.cell : null;
  if (layer instanceof Bidirectional) {
    const cells = [cellOf(layer.forwardLayer), cellOf(layer.backwardLayer)];
    return cells.every((c) => c !== null) ? cells as BuiltinCell[] : null;
  }
  const cell = cellOf(layer);
  return cell ? [cell] : null;
}

/** The per-feature error amplification of folding `bn` into the next layer's kernel. */
export function inputFoldAmplification(bn: BatchNormalization): number {
  const { inv, res } = bn.foldedScaleOffset();
  const mean = bn.movingMean!.value.f32;
  const variance = bn.movingVariance!.value.f32;
  let worst = 1;
  for (let k = 0; k < inv.length; k++) {
    const sigma = Math.sqrt(variance[k] + bn.epsilon);
    const a = Math.abs(inv[k]);
    const cancelling = a * (Math.abs(mean[k]) + sigma) + Math.abs(res[k]);
    const kept = a * sigma + Math.abs(res[k] + mean[k] * inv[k]);
    if (cancelling === 0) continue;
    worst = Math.max(worst, kept === 0 ? Infinity : cancelling / kept);
  }
  return worst;
}

/** A value computed from some variables, made again when any of them changes. */
class Cached<T> {
  #stamp = "";
  #made = false;
  #value!: T;
  readonly #layers: readonly Layer[];
  readonly #make: () => T;

  constructor(layers: readonly Layer[], make: () => T) {
    this.#layers = layers;
    this.#make = make;
  }

  get(): T {
    const stamp = this.#layers.flatMap((l) => l.weights.map((v) => v.version)).join(",");
    if (!this.#made || stamp !== this.#stamp) {
      this.#value = this.#make();
      this.#made = true;
      this.#stamp = stamp;
    }
    return this.#value;
  }
}

/** `kernel'[k, j] = kernel[k, j]·inv[j]`, `bias'[j] = bias[j]·inv[j] + res[j]` (BN after Dense). */
function foldIntoDenseOutput(dense: Dense, bn: BatchNormalization) {
  const { inv, res } = bn.foldedScaleOffset();
  const kernel = dense.kernel!.value.f32;
  const units = dense.units;
  const k2 = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) k2[i] = kernel[i] * inv[i % units];
  const bias = dense.bias?.value.f32;
  const b2 = new Float32Array(units);
  for (let j = 0; j < units; j++) b2[j] = Math.fround(bias ? bias[j] * inv[j] : 0) + res[j];
  return { kernel: k2, bias: b2 };
}

/** `kernel'[k, j] = inv[k]·kernel[k, j]`, `bias'[j] = bias[j] + Σ_k res[k]·kernel[k, j]`. */
function foldIntoDenseInput(dense: Dense, inv: F32, res: F32) {
  const kernel = dense.kernel!.value.f32;
  const units = dense.units;
  const k2 = new Float32Array(kernel.length);
  const bias = dense.bias?.value.f32;
  const sums = bias ? Float64Array.from(bias) : new Float64Array(units);
  for (let k = 0; k < inv.length; k++) {
    for (let j = 0; j < units; j++) {
      const w = kernel[k * units + j];
      k2[k * units + j] = inv[k] * w;
      sums[j] += res[k] * w;
    }
  }
  return { kernel: k2, bias: Float32Array.from(sums) };
}

/** Runs `consumer` on the BatchNormalization's input, with the normalization folded in. */
function consumerRunner(
  bn: BatchNormalization,
  consumer: Layer,
): NodeRunner | null {
  const unfolded: NodeRunner = (ins, context) => {
    const y = bn.call(ins, context);
    return consumer.call(y, context);
  };
  if (consumer instanceof Dense && consumer.kernel) {
    const dense = consumer;
    const folded = new Cached([bn, dense], () => {
      if (inputFoldAmplification(bn) > MAX_INPUT_FOLD_AMPLIFICATION) return null;
      const { inv, res } = bn.foldedScaleOffset();
      return foldIntoDenseInput(dense, inv, res);
    });
    return (ins, context) => {
      const f = folded.get();
      if (!f) return unfolded(ins, context);
      return [dense.callWith(ins[0], f.kernel, f.bias)];
    };
  }
  const cells = foldableCells(consumer);
  if (!cells) return null;
  const folded = new Cached([bn, ...cells], () => {
    if (inputFoldAmplification(bn) > MAX_INPUT_FOLD_AMPLIFICATION) return null;
    const { inv, res } = bn.foldedScaleOffset();
    return cells.map((c) => c.foldInputAffine(inv, res)!);
  });
  return (ins, context) => {
    const f = folded.get();
    if (!f) return unfolded(ins, context);
    let run = () => consumer.call(ins, context);
    cells.forEach((cell, i) => {
      const inner = run;
      run = () => cell.withInputWeights(f[i].kernel, f[i].bias, inner);
    });
    return run();
  };
}

/**
 * The folds of a graph's BatchNormalizations (see the module doc), given its nodes in
 * topological order and its outputs. A BatchNormalization whose output is a graph output, is
 * read by several nodes, or normalizes another axis than the last, runs as it is.
 */
export function planBatchNormFolds(
  nodes: readonly Node[],
  outputs: readonly SymbolicTensor[],
): GraphPlan {
  const readers = new Map<SymbolicTensor, Node[]>();
  for (const node of nodes) {
    if (node.isInput) continue;
    for (const t of node.parents) readers.set(t, [...(readers.get(t) ?? []), node]);
  }
  const isOutput = new Set(outputs);
  const onlyReader = (t: SymbolicTensor): Node | null => {
    const r = readers.get(t) ?? [];
    return r.length === 1 && !isOutput.has(t) ? r[0] : null;
  };
  const skip = new Set<Node>();
  const redirect = new Map<SymbolicTensor, SymbolicTensor>();
  const runners = new Map<Node, NodeRunner>();
  const taken = new Set<Node>();
  for (const node of nodes) {
    const bn = lastAxisBatchNorm(node);
    if (!bn || taken.has(node)) continue;
    const input = node.call.inputs[0];
    const output = node.outputs[0];
    const producer = input.node;
    const dense = producer.layer;
    if (
      dense instanceof Dense && dense.kernel && dense.activationLayer === null &&
      dense.activation.name === "linear" && producer.outputs.length === 1 &&
      !taken.has(producer) && onlyReader(input) === node
    ) {
      const folded = new Cached([dense, bn], () => foldIntoDenseOutput(dense, bn));
      runners.set(producer, (ins) => {
        const f = folded.get();
        return [dense.callWith(ins[0], f.kernel, f.bias)];
      });
      skip.add(node);
      redirect.set(output, input);
      taken.add(producer).add(node);
      continue;
    }
    const consumer = onlyReader(output);
    if (
      !consumer || taken.has(consumer) || consumer.call.inputs.length !== 1 ||
      consumer.call.inputs[0] !== output || consumer.call.mask === output ||
      consumer.call.initialState?.includes(output)
    ) {
      continue;
    }
    const runner = consumerRunner(bn, consumer.layer);
    if (!runner) continue;
    runners.set(consumer, runner);
    skip.add(node);
    redirect.set(output, input);
    taken.add(consumer).add(node);
  }
  return { skip, redirect, runners };
}
