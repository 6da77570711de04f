import type { ByteView } from "./_bytes.ts";

/** Dimensions of a dataspace; `null` for HDF5's null dataspace (no data at all). */
export type H5Shape = number[] | null;

/** Parses the dataspace message at `at` (versions 1 and 2). A rank-0 space is a scalar. */
export function readDataspace(
  view: ByteView,
  at: number,
  lengthSize: number,
  what: string,
): H5Shape {
  const version = view.u8(at, what);
  const rank = view.u8(at + 1, what);
  const flags = view.u8(at + 2, what);
  let p: number;
  if (version === 1) p = at + 8;
  else if (version === 2) {
    const type = view.u8(at + 3, what);
    if (type === 2) return null;
    p = at + 4;
  } else throw new TypeError(`${view.label}: unsupported dataspace version ${version} (${what})`);
  if (rank > 32) {
    throw new RangeError(`${view.label}: corrupted HDF5 file: dataspace rank ${rank} (${what})`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.uint(p + i * lengthSize, lengthSize, what));
  void flags;
  return dims;
}

/** Number of elements of a shape (1 for a scalar, 0 for a null space). */
export function elementCount(shape: H5Shape): number {
  if (shape === null) return 0;
  return shape.reduce((a, b) => a * b, 1);
}
