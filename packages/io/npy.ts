import { Tensor } from "@kerno/tensor";
import {
  allocateData,
  decodeNpyData,
  npyHeaderBytes,
  npyLayout,
  parseNpyHeader,
} from "./_npy_format.ts";

export { hasNpyMagic, NPY_MAGIC } from "./_npy_format.ts";

/**
 * Reads a `.npy` array into a {@linkcode Tensor}, in C order.
 *
 * - float32 (`<f4`) is read as is; float64 (`<f8`) and float16 (`<f2`) are rounded to float32.
 * - int32 (`<i4`) is read as is; int8/int16/uint8/uint16 widen to int32; int64, uint32 and uint64
 *   become int32 when every value fits, else a `RangeError` names the first one that does not.
 * - bool (`|b1`) becomes a `bool` tensor (0/1 bytes).
 * - Fortran order, object arrays, big-endian data, structured and other dtypes are refused by
 *   name with a `TypeError`.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "@kerno/io";
 * import { tensor } from "@kerno/tensor";
 * readNpy(writeNpy(tensor([[1, 2], [3, 4]]))).shape; // [2, 2]
 * ```
 */
export function readNpy(bytes: Uint8Array, label = "<bytes>"): Tensor {
  const layout = npyLayout(parseNpyHeader(bytes, label), label);
  const need = layout.dataAt + layout.size * layout.itemSize;
  if (bytes.length < need) {
    throw new RangeError(
      `${label}: truncated .npy file: shape (${
        layout.shape.join(", ")
      }) of ${layout.descr} needs ${need} bytes, the file has ${bytes.length}`,
    );
  }
  const data = allocateData(layout.dtype, layout.size);
  decodeNpyData(layout, bytes.subarray(layout.dataAt, need), data, label);
  return new Tensor(data, [...layout.shape]);
}

/**
 * Writes a tensor as a `.npy` (format 1.0, C order): float32 as `<f4`, int32 as `<i4`, bool as
 * `|b1`.
 */
export function writeNpy(t: Tensor): Uint8Array {
  const header = npyHeaderBytes(t.dtype, t.shape);
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}
