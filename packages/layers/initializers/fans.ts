/**
 * Keras's `compute_fans`: the number of input and output units of a weight of `shape`.
 * Rank 0 gives (1, 1); rank 1 gives (n, n); rank 2 `(in, out)`; higher ranks treat the leading
 * dimensions as a receptive field, as for a convolution kernel `(..., in, out)`.
 *
 * When `inputAxes` / `outputAxes` are given (Keras 3's `input_axes` / `output_axes`), the fans are
 * the products of the dimensions at those axes (negative axes count from the end).
 *
 * @example
 * ```ts
 * import { computeFans } from "@kerno/layers";
 * computeFans([3, 8]); // [3, 8]
 * computeFans([2, 2, 3, 8]); // [12, 32]
 * ```
 */
export function computeFans(
  shape: readonly number[],
  inputAxes: readonly number[] | null = null,
  outputAxes: readonly number[] | null = null,
): [number, number] {
  let fanIn: number;
  let fanOut: number;
  if (shape.length < 1) {
    fanIn = fanOut = 1;
  } else if (shape.length === 1) {
    fanIn = fanOut = shape[0];
  } else if (shape.length === 2) {
    fanIn = shape[0];
    fanOut = shape[1];
  } else {
    let receptive = 1;
    for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
    fanIn = shape[shape.length - 2] * receptive;
    fanOut = shape[shape.length - 1] * receptive;
  }
  if (inputAxes !== null) fanIn = productAt(shape, inputAxes, "input_axes");
  if (outputAxes !== null) fanOut = productAt(shape, outputAxes, "output_axes");
  return [fanIn, fanOut];
}

function productAt(shape: readonly number[], axes: readonly number[], what: string): number {
  let p = 1;
  for (const a of axes) {
    const axis = a < 0 ? shape.length + a : a;
    if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) {
      throw new RangeError(
        `Initializer ${what}: axis ${a} is out of range for a weight of shape [${
          shape.join(", ")
        }]`,
      );
    }
    p *= shape[axis];
  }
  return p;
}
