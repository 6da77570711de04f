import { ByteView, UNDEFINED_ADDRESS } from "./_bytes.ts";
import {
  attributeValue,
  decodeStrings,
  type H5AttributeValue,
  type RawAttribute,
  readAttributeMessage,
} from "./_attribute.ts";
import { walkBTreeV1 } from "./_btree.ts";
import { readFilters, readLayout, readRawData, storedDataBytes } from "./_data.ts";
import { decodeNumbers, type H5Type, readDatatype, typeName } from "./_datatype.ts";
import { elementCount, readDataspace } from "./_dataspace.ts";
import { heapName, readLocalHeap } from "./_heap.ts";
import { type H5Message, MSG, readObjectHeader } from "./_object_header.ts";

export type { H5Message } from "./_object_header.ts";
import { type H5Context, readSuperblock } from "./_superblock.ts";

export type { H5AttributeValue } from "./_attribute.ts";
export type { H5Type } from "./_datatype.ts";
export type { H5Context } from "./_superblock.ts";
export type { ByteView } from "./_bytes.ts";

/** Shared state of one open file (made by {@linkcode readH5}; not for direct use). */
export interface H5FileState {
  /** What the superblock says. */
  readonly ctx: H5Context;
  /** Global heap collections read so far, by address. */
  readonly heapCache: Map<number, Map<number, Uint8Array>>;
  /** Object headers read so far, by address. */
  readonly headers: Map<number, H5Message[]>;
}

/** The values of a dataset: a typed array for float32, float64, int32 and uint8, else numbers. */
export type H5Data = Float32Array | Float64Array | Int32Array | Uint8Array | number[] | string[];

function messagesOf(file: H5FileState, address: number, path: string): H5Message[] {
  let m = file.headers.get(address);
  if (!m) {
    m = readObjectHeader(file.ctx, address, path);
    file.headers.set(address, m);
  }
  return m;
}

function joinPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** What groups and datasets share: a path in the file and attributes. */
export abstract class H5Object {
  /** Absolute path inside the file, `/` for the root. */
  readonly path: string;
  /** The file's name, for error messages. */
  readonly file: string;
  /** @internal */
  protected readonly state: H5FileState;
  /** @internal */
  protected readonly messages: H5Message[];
  #attrs: Map<string, RawAttribute> | null = null;

  /** @internal */
  constructor(state: H5FileState, address: number, path: string) {
    this.state = state;
    this.path = path;
    this.file = state.ctx.view.label;
    this.messages = messagesOf(state, address, path);
  }

  #attributes(): Map<string, RawAttribute> {
    if (this.#attrs) return this.#attrs;
    const out = new Map<string, RawAttribute>();
    for (const m of this.messages) {
      if (m.type === MSG.attribute) {
        const a = readAttributeMessage(this.state.ctx, m.offset, `"${this.path}"`);
        out.set(a.name, a);
      } else if (m.type === MSG.attributeInfo) {
        const O = this.state.ctx.offsetSize;
        const flags = this.state.ctx.view.u8(m.offset + 1, "attribute info");
        const heap = this.state.ctx.view.uint(
          m.offset + 2 + (flags & 1 ? 2 : 0),
          O,
          "attribute info",
        );
        if (heap !== UNDEFINED_ADDRESS) {
          throw new TypeError(
            `${this.file}: "${this.path}" stores its attributes densely (in a fractal heap), which Kerno does not read`,
          );
        }
      }
    }
    this.#attrs = out;
    return out;
  }

  /** Names of the attributes, in storage order. */
  attrNames(): string[] {
    return [...this.#attributes().keys()];
  }

  /** Whether the attribute exists. */
  hasAttr(name: string): boolean {
    return this.#attributes().has(name);
  }

  /** An attribute's value (strings decoded, scalars unwrapped), or `undefined` when absent. */
  attr(name: string): H5AttributeValue | undefined {
    const raw = this.#attributes().get(name);
    if (!raw) return undefined;
    return attributeValue(this.state.ctx, this.state.heapCache, raw, `"${this.path}"`);
  }
}

/**
 * A group of an HDF5 file: named members (groups and datasets) and attributes.
 *
 * @example
 * ```ts ignore
 * const root = readH5(bytes, "model.weights.h5");
 * const kernel = root.dataset("layers/dense/vars/0").readFloat32();
 * ```
 */
export class H5Group extends H5Object {
  #members: Map<string, number> | null = null;

  /** Member names, sorted as stored. */
  keys(): string[] {
    return [...this.#children().keys()];
  }

  /** Whether a member (or a nested path) exists. */
  has(path: string): boolean {
    return this.get(path) !== null;
  }

  /** The member at a relative path (`a/b/c`), or `null` when there is none. */
  get(path: string): H5Group | H5Dataset | null {
    const parts = path.split("/").filter((p) => p !== "");
    let node: H5Group | H5Dataset = this as H5Group;
    for (const part of parts) {
      if (!(node instanceof H5Group)) return null;
      const address = node.#children().get(part);
      if (address === undefined) return null;
      node = openObject(this.state, address, joinPath(node.path, part));
    }
    return node;
  }

  /** The group at a relative path; throws a `TypeError` naming the file and path when missing. */
  group(path: string): H5Group {
    const node = this.get(path);
    if (!(node instanceof H5Group)) {
      throw new TypeError(
        `${this.file}: no group "${joinPath(this.path, path)}"${node ? " (it is a dataset)" : ""}`,
      );
    }
    return node;
  }

  /** The dataset at a relative path; throws a `TypeError` naming the file and path when missing. */
  dataset(path: string): H5Dataset {
    const node = this.get(path);
    if (!(node instanceof H5Dataset)) {
      throw new TypeError(
        `${this.file}: no dataset "${joinPath(this.path, path)}"${node ? " (it is a group)" : ""}`,
      );
    }
    return node;
  }

  #children(): Map<string, number> {
    if (this.#members) return this.#members;
    const { ctx } = this.state;
    const { view } = ctx;
    const out = new Map<string, number>();
    const what = `group "${this.path}"`;
    for (const m of this.messages) {
      if (m.type === MSG.symbolTable) {
        const btree = view.uint(m.offset, ctx.offsetSize, what);
        const heap = readLocalHeap(
          ctx,
          view.uint(m.offset + ctx.offsetSize, ctx.offsetSize, what),
          what,
        );
        for (const { address } of walkBTreeV1(ctx, btree, 0, ctx.lengthSize, what)) {
          const at = address + ctx.base;
          view.expectSignature(at, "SNOD", `symbol table node of ${what}`);
          const n = view.u16(at + 6, what);
          const entrySize = 2 * ctx.offsetSize + 24;
          for (let i = 0; i < n; i++) {
            const e = at + 8 + i * entrySize;
            const cacheType = view.u32(e + 2 * ctx.offsetSize, what);
            if (cacheType > 2) {
              throw new TypeError(
                `${this.file}: corrupted HDF5 file: symbol table entry ${i} of ${what} has cache type ${cacheType} (expected 0, 1 or 2)`,
              );
            }
            const name = heapName(ctx, heap, view.uint(e, ctx.offsetSize, what), what);
            out.set(name, view.uint(e + ctx.offsetSize, ctx.offsetSize, what));
          }
        }
      } else if (m.type === MSG.link) {
        const [name, address] = readLink(ctx, m.offset, what);
        out.set(name, address);
      } else if (m.type === MSG.linkInfo) {
        const flags = view.u8(m.offset + 1, what);
        const heap = view.uint(m.offset + 2 + (flags & 1 ? 8 : 0), ctx.offsetSize, what);
        if (heap !== UNDEFINED_ADDRESS) {
          throw new TypeError(
            `${this.file}: ${what} stores its members densely (in a fractal heap), which Kerno does not read; re-save the file with h5py's default settings`,
          );
        }
      }
    }
    this.#members = out;
    return out;
  }
}

/** A dataset: an n-dimensional array of one element type. */
export class H5Dataset extends H5Object {
  /** Dimensions (`[]` for a scalar). */
  readonly shape: number[];
  /** Element type. */
  readonly type: H5Type;

  /** @internal */
  constructor(state: H5FileState, address: number, path: string) {
    super(state, address, path);
    const what = `dataset "${path}"`;
    const space = this.messages.find((m) => m.type === MSG.dataspace);
    const dtype = this.messages.find((m) => m.type === MSG.datatype);
    if (!space || !dtype) {
      throw new TypeError(
        `${this.file}: corrupted HDF5 file: ${what} has no dataspace or datatype`,
      );
    }
    this.shape = readDataspace(state.ctx.view, space.offset, state.ctx.lengthSize, what) ?? [0];
    this.type = readDatatype(state.ctx.view, dtype.offset, what)[0];
  }

  /** Element type name (`float32`, `int64`, `variable-length string`, …). */
  get dtype(): string {
    return typeName(this.type);
  }

  /** Number of elements. */
  get size(): number {
    return elementCount(this.shape);
  }

  /**
   * How many of the declared bytes of values the file really holds: contiguous and compact data
   * as far as it lies inside the file, chunks at their stored size (at most
   * `maxCompressionRatio` times that when compressed). Reads no values.
   */
  storedBytes(): number {
    const { ctx } = this.state;
    const what = `dataset "${this.path}"`;
    const declared = this.size * this.type.size;
    const layoutMsg = this.messages.find((m) => m.type === MSG.layout);
    if (!layoutMsg) return 0;
    const layout = readLayout(ctx, layoutMsg.offset, this.shape.length, what);
    const filterMsg = this.messages.find((m) => m.type === MSG.filters);
    const filters = filterMsg ? readFilters(ctx, filterMsg.offset, what) : [];
    return Math.min(declared, storedDataBytes(ctx, layout, filters, this.shape.length, what));
  }

  /**
   * The byte ranges `[start, end)` of the file that hold this dataset's values (one for
   * contiguous or compact storage, one per chunk), e.g. to tell value bytes from structure bytes.
   */
  dataRanges(): [number, number][] {
    const { ctx } = this.state;
    const what = `dataset "${this.path}"`;
    const layoutMsg = this.messages.find((m) => m.type === MSG.layout);
    if (!layoutMsg) return [];
    const layout = readLayout(ctx, layoutMsg.offset, this.shape.length, what);
    const declared = this.size * this.type.size;
    if (layout.kind === "compact") return [[layout.at, layout.at + layout.size]];
    if (layout.address === UNDEFINED_ADDRESS) return [];
    const start = layout.address + ctx.base;
    if (layout.kind === "contiguous") return [[start, start + declared]];
    const keySize = 8 + 8 * (this.shape.length + 1);
    return walkBTreeV1(ctx, layout.address, 1, keySize, what).map(({ address, keyAt }) => {
      const at = address + ctx.base;
      return [at, at + ctx.view.u32(keyAt, what)] as [number, number];
    });
  }

  /** The raw values in C order: numbers as a typed array where one fits, strings as strings. */
  read(): H5Data {
    const { ctx } = this.state;
    const what = `dataset "${this.path}"`;
    const layoutMsg = this.messages.find((m) => m.type === MSG.layout);
    if (!layoutMsg) throw new TypeError(`${this.file}: corrupted HDF5 file: ${what} has no layout`);
    const layout = readLayout(ctx, layoutMsg.offset, this.shape.length, what);
    const filterMsg = this.messages.find((m) => m.type === MSG.filters);
    const filters = filterMsg ? readFilters(ctx, filterMsg.offset, what) : [];
    const t = this.type;
    if (t.kind === "unsupported" || (t.kind === "int" && ![1, 2, 4, 8].includes(t.size))) {
      throw new TypeError(`${this.file}: ${what} has an unsupported type (${typeName(t)})`);
    }
    const raw = readRawData(ctx, layout, filters, this.shape, t.size, what);
    if (t.kind === "string" || t.kind === "vlen-string") {
      const view = new ByteView(raw, this.file);
      return decodeStrings(view, ctx, this.state.heapCache, t, 0, this.size, what)!;
    }
    return decodeNumbers(raw, t, this.size);
  }

  /** The values as float32 (float64 is rounded); any other type is refused with a `TypeError`. */
  readFloat32(): Float32Array {
    if (this.type.kind !== "float") {
      throw new TypeError(
        `${this.file}: dataset "${this.path}" holds ${this.dtype}, expected float32 weights`,
      );
    }
    const data = this.read();
    return data instanceof Float32Array ? data : Float32Array.from(data as Float64Array);
  }
}

function openObject(state: H5FileState, address: number, path: string): H5Group | H5Dataset {
  const messages = messagesOf(state, address, path);
  const isDataset = messages.some((m) => m.type === MSG.layout);
  return isDataset ? new H5Dataset(state, address, path) : new H5Group(state, address, path);
}

function readLink(ctx: H5Context, at: number, what: string): [string, number] {
  const { view } = ctx;
  const flags = view.u8(at + 1, what);
  let p = at + 2;
  let linkType = 0;
  if (flags & 0x08) linkType = view.u8(p++, what);
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p += 1;
  const lengthSize = 1 << (flags & 3);
  const nameLength = view.uint(p, lengthSize, what);
  p += lengthSize;
  const name = new TextDecoder().decode(view.slice(p, nameLength, what));
  p += nameLength;
  if (linkType !== 0) {
    throw new TypeError(
      `${view.label}: member "${name}" of ${what} is a ${
        linkType === 1 ? "soft" : "external"
      } link, which Kerno does not follow`,
    );
  }
  return [name, view.uint(p, ctx.offsetSize, what)];
}

/**
 * Opens an HDF5 file held in memory and returns its root group. Nothing is read until asked
 * for; every read is bounds-checked, and errors name `label` (the file) and the object's path.
 *
 * @example
 * ```ts ignore
 * import { readH5 } from "@kerno/io/h5";
 * const root = readH5(await Deno.readFile("model.h5"), "model.h5");
 * root.attr("keras_version"); // "2.2.4"
 * ```
 */
export function readH5(bytes: Uint8Array, label = "<bytes>"): H5Group {
  const view = new ByteView(bytes, label);
  const ctx = readSuperblock(view);
  const state: H5FileState = { ctx, heapCache: new Map(), headers: new Map() };
  return new H5Group(state, ctx.rootAddress, "/");
}
