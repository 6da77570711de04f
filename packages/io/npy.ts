import { Tensor, type TensorData } from "@kerno/tensor";

/** Magic bytes of a `.npy` file: `\x93NUMPY`. */
export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Whether `bytes` starts with the `.npy` magic. */
export function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataAt: number;
}

function parseHeader(bytes: Uint8Array, label: string): NpyHeader {
  if (!hasNpyMagic(bytes)) throw new TypeError(`${label}: not a .npy file (no "\\x93NUMPY" magic)`);
  if (bytes.length < 10) {
    throw new RangeError(`${label}: truncated .npy file (${bytes.length} bytes)`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) {
      throw new RangeError(`${label}: truncated .npy file (${bytes.length} bytes)`);
    }
    headerLength = view.getUint32(8, true);
    start = 12;
  } else {
    throw new TypeError(`${label}: unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (start + headerLength > bytes.length) {
    throw new RangeError(
      `${label}: truncated .npy file: the header needs ${
        start + headerLength
      } bytes, the file has ${bytes.length}`,
    );
  }
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(start, start + headerLength),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1] ??
    (/'descr'\s*:/.test(text) ? "<structured>" : undefined);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new TypeError(`${label}: corrupted .npy header ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => {
    const n = Number(s.replace(/L$/, ""));
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new TypeError(`${label}: corrupted .npy header: bad shape (${shapeText})`);
    }
    return n;
  });
  return { descr, fortran: fortran === "True", shape, dataAt: start + headerLength };
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

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
  const h = parseHeader(bytes, label);
  if (h.fortran) {
    throw new TypeError(
      `${label}: Fortran-order arrays are not supported; save with np.ascontiguousarray first`,
    );
  }
  const d = h.descr;
  if (d.includes("O")) {
    throw new TypeError(
      `${label}: object arrays (dtype ${d}) are refused: they hold pickled Python objects`,
    );
  }
  if (d.startsWith(">") && !/^>(u1|i1|b1)$/.test(d)) {
    throw new TypeError(
      `${label}: big-endian arrays (dtype ${d}) are not supported; use .astype('<${d.slice(1)}')`,
    );
  }
  const kind = d.replace(/^[<|=]/, "");
  const size = h.shape.reduce((a, b) => a * b, 1);
  const itemSize: Record<string, number> = {
    f4: 4,
    f8: 8,
    f2: 2,
    i4: 4,
    i8: 8,
    i2: 2,
    i1: 1,
    u1: 1,
    u2: 2,
    u4: 4,
    u8: 8,
    b1: 1,
  };
  const item = itemSize[kind];
  if (item === undefined) {
    throw new TypeError(
      `${label}: unsupported .npy dtype ${d} (supported: float32, float64, float16, bool and integer types)`,
    );
  }
  const need = h.dataAt + size * item;
  if (bytes.length < need) {
    throw new RangeError(
      `${label}: truncated .npy file: shape (${
        h.shape.join(", ")
      }) of ${d} needs ${need} bytes, the file has ${bytes.length}`,
    );
  }
  const raw = bytes.slice(h.dataAt, need);
  const view = new DataView(raw.buffer);
  let data: TensorData;
  if (kind === "f4") data = new Float32Array(raw.buffer);
  else if (kind === "f8") data = Float32Array.from(new Float64Array(raw.buffer));
  else if (kind === "f2") {
    data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = half(view.getUint16(2 * i, true));
  } else if (kind === "b1") data = raw;
  else {
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      const o = i * item;
      const v = kind === "i4"
        ? view.getInt32(o, true)
        : kind === "i8"
        ? Number(view.getBigInt64(o, true))
        : kind === "u8"
        ? Number(view.getBigUint64(o, true))
        : kind === "u4"
        ? view.getUint32(o, true)
        : kind === "i2"
        ? view.getInt16(o, true)
        : kind === "u2"
        ? view.getUint16(o, true)
        : kind === "i1"
        ? view.getInt8(o)
        : view.getUint8(o);
      if (v < INT32_MIN || v > INT32_MAX) {
        throw new RangeError(
          `${label}: value ${v} at flat index ${i} of a ${d} array does not fit in int32`,
        );
      }
      out[i] = v;
    }
    data = out;
  }
  return new Tensor(data, h.shape);
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Writes a tensor as a `.npy` (format 1.0, C order): float32 as `<f4`, int32 as `<i4`, bool as
 * `|b1`.
 */
export function writeNpy(t: Tensor): Uint8Array {
  const descr = t.dtype === "float32" ? "<f4" : t.dtype === "int32" ? "<i4" : "|b1";
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const data = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
