import type { ByteView } from "./_bytes.ts";
import { decodeNumbers, type H5Type, readDatatype, typeName } from "./_datatype.ts";
import { elementCount, type H5Shape, readDataspace } from "./_dataspace.ts";
import { globalHeapObject } from "./_heap.ts";
import type { H5Context } from "./_superblock.ts";

/** The value of an attribute: strings or numbers, a single value when the attribute is scalar. */
export type H5AttributeValue = string | number | string[] | number[];

/** A parsed attribute message whose value is decoded on demand. */
export interface RawAttribute {
  /** Attribute name. */
  readonly name: string;
  /** Element type. */
  readonly type: H5Type;
  /** Dimensions (`[]` for a scalar, `null` for an empty attribute). */
  readonly shape: H5Shape;
  /** Absolute offset of the raw value bytes. */
  readonly dataAt: number;
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

/** Parses an attribute message (versions 1 to 3). */
export function readAttributeMessage(ctx: H5Context, at: number, what: string): RawAttribute {
  const { view } = ctx;
  const version = view.u8(at, what);
  const flags = view.u8(at + 1, what);
  const nameSize = view.u16(at + 2, what);
  const typeSize = view.u16(at + 4, what);
  const spaceSize = view.u16(at + 6, what);
  if (version < 1 || version > 3) {
    throw new TypeError(
      `${view.label}: unsupported attribute message version ${version} (${what})`,
    );
  }
  if (flags & 0x03) {
    throw new TypeError(`${view.label}: shared attribute datatypes are not supported (${what})`);
  }
  const padded = version === 1;
  let p = at + 8 + (version === 3 ? 1 : 0);
  const name = view.cString(p, p + nameSize, `attribute name in ${what}`);
  p += padded ? pad8(nameSize) : nameSize;
  const [type] = readDatatype(view, p, `attribute "${name}" of ${what}`);
  p += padded ? pad8(typeSize) : typeSize;
  const shape = readDataspace(view, p, ctx.lengthSize, `attribute "${name}" of ${what}`);
  p += padded ? pad8(spaceSize) : spaceSize;
  return { name, type, shape, dataAt: p };
}

/** Decodes an attribute's value. */
export function attributeValue(
  ctx: H5Context,
  heapCache: Map<number, Map<number, Uint8Array>>,
  attr: RawAttribute,
  what: string,
): H5AttributeValue {
  const { view } = ctx;
  const count = elementCount(attr.shape);
  const label = `attribute "${attr.name}" of ${what}`;
  const strings = decodeStrings(view, ctx, heapCache, attr.type, attr.dataAt, count, label);
  if (strings) return attr.shape !== null && attr.shape.length === 0 ? strings[0] : strings;
  if (
    attr.type.kind === "unsupported" ||
    (attr.type.kind === "int" && ![1, 2, 4, 8].includes(attr.type.size))
  ) {
    throw new TypeError(`${view.label}: ${label} has an unsupported type (${typeName(attr.type)})`);
  }
  const bytes = view.slice(attr.dataAt, count * attr.type.size, label);
  const values = Array.from(decodeNumbers(bytes, attr.type, count));
  return attr.shape !== null && attr.shape.length === 0 ? values[0] : values;
}

/** Decodes fixed- or variable-length strings; `null` when the type is not a string type. */
export function decodeStrings(
  view: ByteView,
  ctx: H5Context,
  heapCache: Map<number, Map<number, Uint8Array>>,
  type: H5Type,
  at: number,
  count: number,
  label: string,
): string[] | null {
  const decoder = new TextDecoder();
  if (type.kind === "string") {
    const bytes = view.slice(at, count * type.size, label);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const cell = bytes.subarray(i * type.size, (i + 1) * type.size);
      const nul = cell.indexOf(0);
      out.push(decoder.decode(nul >= 0 ? cell.subarray(0, nul) : cell).replace(/ +$/, ""));
    }
    return out;
  }
  if (type.kind === "vlen-string") {
    const O = ctx.offsetSize;
    const stride = 4 + O + 4;
    view.check(at, count * stride, label);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const e = at + i * stride;
      const length = view.u32(e, label);
      const collection = view.uint(e + 4, O, label);
      const index = view.u32(e + 4 + O, label);
      if (length === 0) {
        out.push("");
        continue;
      }
      const obj = globalHeapObject(ctx, heapCache, collection, index, label);
      if (length > obj.length) {
        throw new RangeError(
          `${view.label}: corrupted HDF5 file: ${label} claims ${length} bytes, its heap object has ${obj.length}`,
        );
      }
      out.push(decoder.decode(obj.subarray(0, length)));
    }
    return out;
  }
  return null;
}
