/**
 * The printer every example takes: one call per line of output. `console.log` in the demo, an
 * array's `push` in the tests.
 *
 * @module
 */

/** Receives one line of an example's output. */
export type Print = (line: string) => void;

/** Formats a shape as Keras prints it: `(2, 4, 3)`, `(None, 4)`. */
export function shapeText(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? "None" : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

/** Formats numbers with 7 significant digits, as a flat list: `[0.6303139, 0.6303139]`. */
export function valuesText(values: ArrayLike<number>): string {
  return `[${Array.from(values, (v) => Number(v.toPrecision(7))).join(", ")}]`;
}
