import { formatShape } from "@kerno/tensor";

/** A shape with unknown dimensions as `null`, batch first, as Keras writes `(None, 5, 3)`. */
export type Shape = readonly (number | null)[];

/** Formats a shape the way Keras prints it: `(None, 5, 3)`. */
export function shapeToString(shape: Shape): string {
  return formatShape(shape);
}

/** True when two shapes have the same rank and agree wherever both are known. */
export function shapesCompatible(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== null && b[i] !== null && a[i] !== b[i]) return false;
  }
  return true;
}
