import type { Nested, OutputStructure } from "@kerno/layers";

/** A nested structure flattened depth first, with each leaf replaced by its index in `flat`. */
export interface Flattened<T> {
  /** The leaves, depth first. */
  readonly flat: T[];
  /** The same nesting as the input, with leaf indices into `flat`. */
  readonly structure: OutputStructure;
}

/**
 * Flattens nested lists depth first (as Keras's `tree.flatten`), recording where each leaf sat.
 *
 * @example
 * ```ts
 * import { flattenStructure } from "@kerno/model";
 * const { flat, structure } = flattenStructure(["a", ["b", "c"]]);
 * // flat: ["a", "b", "c"], structure: [0, [1, 2]]
 * ```
 */
export function flattenStructure<T>(value: Nested<T>): Flattened<T> {
  const flat: T[] = [];
  const walk = (v: Nested<T>): OutputStructure => {
    if (Array.isArray(v)) return v.map(walk);
    flat.push(v as T);
    return flat.length - 1;
  };
  return { flat, structure: walk(value) };
}

/** Replaces every leaf index of `structure` by `fn(index)`, keeping the nesting. */
export function mapStructure<U>(
  structure: OutputStructure,
  fn: (index: number) => U,
): Nested<U> {
  return typeof structure === "number" ? fn(structure) : structure.map((s) => mapStructure(s, fn));
}

/** The path of every leaf (indices joined by `.`, empty for a lone leaf), as Keras names them. */
export function leafPaths(structure: OutputStructure, prefix: number[] = []): string[] {
  if (typeof structure === "number") return [prefix.join(".")];
  return structure.flatMap((s, i) => leafPaths(s, [...prefix, i]));
}
