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

/**
 * Throws Keras's error unless the last axis of every shape in `shapes` is `want` or unknown:
 * `Input i of layer "name" is incompatible with the layer: expected axis -1 …`.
 */
export function checkLastAxis(layer: string, shapes: readonly Shape[], want: number): void {
  shapes.forEach((shape, i) => {
    const got = shape[shape.length - 1];
    if (got !== null && got !== want) {
      throw new TypeError(
        `Input ${i} of layer "${layer}" is incompatible with the layer: expected axis -1 ` +
          `of input shape to have value ${want}, but received input with shape ${
            shapeToString(shape)
          }`,
      );
    }
  });
}
