import type { Node } from "@kerno/layers";

/**
 * Nodes whose tensors were separate positional arguments (`op(x, y)`), not one list argument
 * (`Concatenate()([x, y])`). `NodeCall` records only `inputsAsList`; this keeps the Keras 3
 * config form of such calls so that it round-trips.
 */
export const positionalNodes: WeakSet<Node> = new WeakSet<Node>();

/**
 * Nodes whose `initial_state` was one tensor rather than a list (Keras accepts both and writes
 * back what it was given).
 */
export const singleStateNodes: WeakSet<Node> = new WeakSet<Node>();
