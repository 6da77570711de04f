import type { DType } from "@kerno/tensor";
import type { Layer } from "./layer.ts";
import type { Shape } from "./shape.ts";

let tensorCounter = 0;

/**
 * The mask that travels with a symbolic tensor: the symbolic tensor that computes it (as Keras
 * records a mask through `NotEqual`/`Any` operation nodes), `"runtime"` when a layer computes it
 * only while running, or `null` for none.
 */
export type SymbolicMask = SymbolicTensor | "runtime" | null;

/**
 * A placeholder for a value in a Functional graph (Keras's `KerasTensor`): its shape (batch
 * first, `null` where unknown), its dtype, and the node and output index that produce it.
 */
export class SymbolicTensor {
  /** Shape with `null` for unknown dimensions. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
  /** The node that produces this tensor. */
  readonly node: Node;
  /** Which of the node's outputs this is. */
  readonly index: number;
  /** Unique display name, e.g. `keras_tensor_3`. */
  readonly name: string;
  /** The mask that travels with this tensor (Keras's `_keras_mask`). */
  readonly mask: SymbolicMask;

  /**
   * Creates the `index`-th output of `node`. `mask` is the tensor's mask; `true` stands for a mask
   * computed only at run time.
   */
  constructor(
    shape: Shape,
    dtype: DType,
    node: Node,
    index: number,
    mask: SymbolicMask | boolean = null,
  ) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.node = node;
    this.index = index;
    this.mask = mask === true ? "runtime" : mask === false ? null : mask;
    this.name = tensorCounter === 0 ? "keras_tensor" : `keras_tensor_${tensorCounter}`;
    tensorCounter++;
  }

  /** Whether a mask travels with this tensor. */
  get hasMask(): boolean {
    return this.mask !== null;
  }

  /** `[layerName, nodeIndex, tensorIndex]`, Keras's `keras_history`. */
  get history(): [string, number, number] {
    return [this.node.layer.name, this.node.layer.inboundNodes.indexOf(this.node), this.index];
  }

  /** `KerasTensor(shape=(None, 5, 3), dtype=float32, name=keras_tensor_1)`. */
  toString(): string {
    const shape = this.shape.map((d) => (d === null ? "None" : String(d))).join(", ");
    return `<KerasTensor shape=(${shape}), dtype=${this.dtype}, name=${this.name}>`;
  }
}

/** The arguments of one layer call in a graph, as recorded for replay and for the Keras config. */
export interface NodeCall {
  /** Main inputs, flattened. */
  readonly inputs: readonly SymbolicTensor[];
  /** True when the layer was called with a list (merge layers), false for a single tensor. */
  readonly inputsAsList: boolean;
  /** `initial_state` tensors, if any. */
  readonly initialState: readonly SymbolicTensor[] | null;
  /**
   * An explicit `mask` argument: `undefined` when none was given (the implicit mask of the input
   * applies when the call has a single tensor argument), `null` for "no mask".
   */
  readonly mask: SymbolicTensor | null | undefined;
  /** Non-tensor positional arguments after the inputs (e.g. the `0` of `NotEqual(x, 0)`). */
  readonly extraArgs: readonly unknown[];
  /** Other keyword arguments, as Keras wrote them (e.g. `training`). */
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** One call of a layer on symbolic tensors: its arguments and its outputs. */
export class Node {
  /** The layer that was called. */
  readonly layer: Layer;
  /** The call's arguments. */
  readonly call: NodeCall;
  /** Outputs, flattened in the layer's output order. */
  outputs: SymbolicTensor[] = [];

  /** Records a call of `layer` (and registers it in `layer.inboundNodes`). */
  constructor(layer: Layer, call: NodeCall) {
    this.layer = layer;
    this.call = call;
    layer.inboundNodes.push(this);
  }

  /** Every symbolic tensor this node reads: inputs, initial state, explicit mask. */
  get parents(): SymbolicTensor[] {
    const out = [...this.call.inputs];
    if (this.call.initialState) out.push(...this.call.initialState);
    if (this.call.mask) out.push(this.call.mask);
    return out;
  }

  /** True for the node of an `InputLayer`, which has no parents. */
  get isInput(): boolean {
    return this.parents.length === 0;
  }
}
