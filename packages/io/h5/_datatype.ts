import type { ByteView } from "./_bytes.ts";

/** A parsed HDF5 datatype, reduced to what Keras files use. */
export type H5Type =
  | {
    readonly kind: "int";
    readonly size: number;
    readonly signed: boolean;
    readonly bigEndian: boolean;
  }
  | { readonly kind: "float"; readonly size: number; readonly bigEndian: boolean }
  | { readonly kind: "string"; readonly size: number; readonly utf8: boolean }
  | { readonly kind: "vlen-string"; readonly size: number; readonly utf8: boolean }
  | { readonly kind: "unsupported"; readonly size: number; readonly name: string };

const CLASS_NAMES = [
  "fixed-point",
  "floating-point",
  "time",
  "string",
  "bitfield",
  "opaque",
  "compound",
  "reference",
  "enumerated",
  "variable-length",
  "array",
];

/** Parses the datatype message at `at`; returns the type and how many bytes it used. */
export function readDatatype(
  view: ByteView,
  at: number,
  what: string,
  depth = 0,
): [H5Type, number] {
  const b0 = view.u8(at, what);
  const cls = b0 & 0x0f;
  const version = b0 >> 4;
  if (version < 1 || version > 5 || depth > 8) {
    throw new TypeError(
      `${view.label}: corrupted HDF5 file: datatype message ${
        depth > 8 ? "nests deeper than 8 levels" : `version ${version}`
      } (${what})`,
    );
  }
  const bits0 = view.u8(at + 1, what);
  const bits1 = view.u8(at + 2, what);
  const size = view.u32(at + 4, what);
  const name = CLASS_NAMES[cls] ?? `class ${cls}`;
  switch (cls) {
    case 0:
      return [{
        kind: "int",
        size,
        signed: (bits0 & 0x08) !== 0,
        bigEndian: (bits0 & 0x01) !== 0,
      }, 12];
    case 1:
      if (size !== 4 && size !== 8) {
        return [{ kind: "unsupported", size, name: `${size * 8}-bit float` }, 20];
      }
      if (!isIeeeFloat(view, at, size, bits0, bits1, what)) {
        return [{ kind: "unsupported", size, name: `non-IEEE ${size * 8}-bit float layout` }, 20];
      }
      return [{ kind: "float", size, bigEndian: (bits0 & 0x01) !== 0 }, 20];
    case 3:
      return [{ kind: "string", size, utf8: ((bits0 >> 4) & 0x0f) === 1 }, 8];
    case 9: {
      const [base, used] = readDatatype(view, at + 8, what, depth + 1);
      if ((bits0 & 0x0f) === 1) {
        return [{ kind: "vlen-string", size, utf8: (bits1 & 0x0f) === 1 }, 8 + used];
      }
      return [
        { kind: "unsupported", size, name: `variable-length sequence of ${typeName(base)}` },
        8 + used,
      ];
    }
    default:
      return [{ kind: "unsupported", size, name: `${name} datatype` }, 8];
  }
}

/** Whether a float datatype's properties are IEEE 754 single or double precision. */
function isIeeeFloat(
  view: ByteView,
  at: number,
  size: number,
  bits0: number,
  bits1: number,
  what: string,
): boolean {
  const ieee = size === 4 ? [0, 32, 23, 8, 0, 23, 127, 31] : [0, 64, 52, 11, 0, 52, 1023, 63];
  const found = [
    view.u16(at + 8, what),
    view.u16(at + 10, what),
    view.u8(at + 12, what),
    view.u8(at + 13, what),
    view.u8(at + 14, what),
    view.u8(at + 15, what),
    view.u32(at + 16, what),
    bits1,
  ];
  const normalization = (bits0 >> 4) & 0x03; // 2: implied leading 1
  return normalization === 2 && (bits0 & 0x0e) === 0 && ieee.every((v, i) => v === found[i]);
}

/** A short name for messages: `float32`, `int64`, `string`. */
export function typeName(type: H5Type): string {
  switch (type.kind) {
    case "int":
      return `${type.signed ? "int" : "uint"}${type.size * 8}${
        type.bigEndian ? " (big-endian)" : ""
      }`;
    case "float":
      return `float${type.size * 8}${type.bigEndian ? " (big-endian)" : ""}`;
    case "string":
      return `fixed-length string (${type.size} bytes)`;
    case "vlen-string":
      return "variable-length string";
    case "unsupported":
      return type.name;
  }
}

/** Decodes `count` numbers of `type` from `bytes` into doubles-friendly typed arrays. */
export function decodeNumbers(
  bytes: Uint8Array,
  type: H5Type,
  count: number,
): Float32Array | Float64Array | Int32Array | Uint8Array | number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type.kind === "float") {
    const le = !type.bigEndian;
    if (type.size === 4) {
      if (le && bytes.byteOffset % 4 === 0) {
        return new Float32Array(bytes.slice(0, count * 4).buffer);
      }
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, le);
      return out;
    }
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, le);
    return out;
  }
  if (type.kind === "int") {
    const le = !type.bigEndian;
    const s = type.size;
    if (s === 1 && !type.signed) return bytes.slice(0, count);
    if (s === 4 && type.signed) {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, le);
      return out;
    }
    const out: number[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const o = i * s;
      out[i] = s === 1
        ? (type.signed ? view.getInt8(o) : view.getUint8(o))
        : s === 2
        ? (type.signed ? view.getInt16(o, le) : view.getUint16(o, le))
        : s === 4
        ? view.getUint32(o, le)
        : Number(type.signed ? view.getBigInt64(o, le) : view.getBigUint64(o, le));
    }
    return out;
  }
  throw new TypeError(`cannot decode ${typeName(type)} as numbers`);
}
