/**
 * The `.npy` format shared by the whole-file functions and the streaming reader and writer:
 * header parsing, the dtype checks, decoding data to a tensor's typed array, and header bytes.
 *
 * @module
 */
import type { DType, TensorData } from "@kerno/tensor";

/** Magic bytes of a `.npy` file: `\x93NUMPY`. */
export const NPY_MAGIC: readonly number[] = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Whether `bytes` starts with the `.npy` magic. */
export function hasNpyMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && NPY_MAGIC.every((b, i) => bytes[i] === b);
}

export interface NpyHeader {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataAt: number;
}

export function parseNpyHeader(bytes: Uint8Array, label: string): NpyHeader {
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

const ITEM_SIZE: Record<string, number> = {
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

/** A header that passed the checks: what its data holds and how it maps to a tensor. */
export interface NpyLayout {
  /** The dtype as the file spells it: `<f4`, `<i8`, `|b1`… */
  readonly descr: string;
  /** The dtype without byte order: `f4`, `i8`, `b1`… */
  readonly kind: string;
  /** Bytes per element in the file. */
  readonly itemSize: number;
  /** The tensor dtype the data is read as. */
  readonly dtype: DType;
  /** The array's shape. */
  readonly shape: readonly number[];
  /** Elements in the array. */
  readonly size: number;
  /** Byte offset of the data in the file. */
  readonly dataAt: number;
}

/**
 * Checks what Kerno can read (C order, little-endian numbers and bools) and returns the layout;
 * Fortran order, object arrays, big-endian data, structured and other dtypes are refused by name
 * with a `TypeError`.
 */
export function npyLayout(h: NpyHeader, label: string): NpyLayout {
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
  const kind = d.replace(/^[<>|=]/, "");
  const itemSize = ITEM_SIZE[kind];
  if (itemSize === undefined) {
    throw new TypeError(
      `${label}: unsupported .npy dtype ${d} (supported: float32, float64, float16, bool and integer types)`,
    );
  }
  const dtype: DType = kind === "b1" ? "bool" : kind.startsWith("f") ? "float32" : "int32";
  const size = h.shape.reduce((a, b) => a * b, 1);
  return { descr: d, kind, itemSize, dtype, shape: h.shape, size, dataAt: h.dataAt };
}

/** A typed array of `n` elements of `dtype`. */
export function allocateData(dtype: DType, n: number): TensorData {
  return dtype === "float32"
    ? new Float32Array(n)
    : dtype === "int32"
    ? new Int32Array(n)
    : new Uint8Array(n);
}

/**
 * Decodes `raw` (whole elements of `layout.kind`, file bytes) into `out` (of `layout.dtype`, as
 * many elements). `firstIndex` is the flat index of the first element in the whole array, for
 * error messages: a value that does not fit in int32 is a `RangeError` naming it.
 */
export function decodeNpyData(
  layout: NpyLayout,
  raw: Uint8Array,
  out: TensorData,
  label: string,
  firstIndex = 0,
): void {
  const { kind, itemSize: item } = layout;
  const n = out.length;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (kind === "f4" || kind === "i4" || kind === "b1") {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(raw.subarray(0, n * item));
  } else if (kind === "f8") {
    for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
  } else if (kind === "f2") {
    for (let i = 0; i < n; i++) out[i] = half(view.getUint16(2 * i, true));
  } else {
    for (let i = 0; i < n; i++) {
      const o = i * item;
      const v = kind === "i8"
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
          `${label}: value ${v} at flat index ${
            firstIndex + i
          } of a ${layout.descr} array does not fit in int32`,
        );
      }
      out[i] = v;
    }
  }
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The `.npy` descr of a tensor dtype. */
export function npyDescr(dtype: DType): string {
  return dtype === "float32" ? "<f4" : dtype === "int32" ? "<i4" : "|b1";
}

/** Bytes per element of a tensor dtype. */
export function dtypeBytes(dtype: DType): number {
  return dtype === "bool" ? 1 : 4;
}

/**
 * The header of a `.npy` (format 1.0, C order) holding `shape` of `dtype` (or of a `.npy` descr),
 * padded so that the data starts on a 64-byte boundary, as numpy writes it.
 */
export function npyHeaderBytes(
  dtype: DType | { descr: string },
  shape: readonly number[],
): Uint8Array {
  const descr = typeof dtype === "string" ? npyDescr(dtype) : dtype.descr;
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}
