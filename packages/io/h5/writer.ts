/** Values the writer stores as attributes. */
export type H5WriteAttribute = string | string[] | Float32Array | Float64Array | Int32Array;

/** Typed arrays the writer stores as datasets. */
export type H5WriteData = Float32Array | Float64Array | Int32Array | Uint8Array;

interface WGroup {
  kind: "group";
  children: Map<string, WNode>;
  attrs: Map<string, H5WriteAttribute>;
}
interface WDataset {
  kind: "dataset";
  data: H5WriteData;
  shape: number[];
  attrs: Map<string, H5WriteAttribute>;
}
type WNode = WGroup | WDataset;

const LEAF_K = 4;
const INTERNAL_K = 16;
const SNOD_CAPACITY = 2 * LEAF_K;
const MAX_MEMBERS = SNOD_CAPACITY * 2 * INTERNAL_K;
const UNDEF = -1;

/**
 * Builds an HDF5 file in memory, in the layout h5py writes by default (superblock 0, version-1
 * object headers, symbol-table groups, contiguous datasets, variable-length UTF-8 string
 * attributes), so that h5py and Keras read it.
 *
 * @example
 * ```ts
 * import { H5Writer, readH5 } from "@kerno/io/h5";
 * const w = new H5Writer();
 * w.group("layers/dense/vars", { name: "dense" });
 * w.dataset("layers/dense/vars/0", new Float32Array([1, 2, 3, 4]), [2, 2]);
 * const root = readH5(w.toBytes());
 * root.dataset("layers/dense/vars/0").shape; // [2, 2]
 * ```
 */
export class H5Writer {
  #root: WGroup = { kind: "group", children: new Map(), attrs: new Map() };

  /** Creates the group at `path` (and its parents) if needed, and sets `attrs` on it. */
  group(path: string, attrs: Record<string, H5WriteAttribute> = {}): void {
    const g = this.#groupAt(splitPath(path), path);
    for (const [k, v] of Object.entries(attrs)) g.attrs.set(k, v);
  }

  /** Sets an attribute on the root group. */
  rootAttr(name: string, value: H5WriteAttribute): void {
    this.#root.attrs.set(name, value);
  }

  /** Adds a dataset at `path` (parents are created); the data is not copied. */
  dataset(path: string, data: H5WriteData, shape: readonly number[]): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (!name) throw new TypeError(`H5Writer: a dataset needs a name, received path "${path}"`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new RangeError(
        `H5Writer: dataset "${path}" has shape [${
          shape.join(", ")
        }] (${size} values), but ${data.length} values were given`,
      );
    }
    const parent = this.#groupAt(parts, path);
    if (parent.children.has(name)) throw new TypeError(`H5Writer: "${path}" already exists`);
    parent.children.set(name, { kind: "dataset", data, shape: [...shape], attrs: new Map() });
  }

  #groupAt(parts: string[], path: string): WGroup {
    let g = this.#root;
    for (const part of parts) {
      let c = g.children.get(part);
      if (!c) {
        c = { kind: "group", children: new Map(), attrs: new Map() };
        g.children.set(part, c);
      }
      if (c.kind !== "group") throw new TypeError(`H5Writer: "${path}" passes through a dataset`);
      g = c;
    }
    return g;
  }

  /** Serializes the file. */
  toBytes(): Uint8Array {
    return new Serializer().run(this.#root);
  }
}

function splitPath(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

const enc = new TextEncoder();
const pad8 = (n: number) => Math.ceil(n / 8) * 8;

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Little-endian encoder of one message or block. */
class Block {
  bytes: Uint8Array;
  view: DataView;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(at: number, v: number): void {
    this.bytes[at] = v;
  }
  u16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }
  u32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
  u64(at: number, v: number): void {
    if (v === UNDEF) {
      this.view.setUint32(at, 0xffffffff, true);
      this.view.setUint32(at + 4, 0xffffffff, true);
      return;
    }
    this.view.setUint32(at, v % 0x100000000, true);
    this.view.setUint32(at + 4, Math.floor(v / 0x100000000), true);
  }
  set(at: number, b: Uint8Array): void {
    this.bytes.set(b, at);
  }
}

interface Written {
  header: number;
  btree: number;
  heap: number;
}

class Serializer {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #strings: Uint8Array[] = [];
  #stringIds = new Map<string, number>();
  #gcol = 0;

  /** Appends `bytes` at the next 8-byte boundary; returns the address. */
  #append(bytes: Uint8Array): number {
    const at = pad8(this.#size);
    if (at > this.#size) this.#chunks.push(new Uint8Array(at - this.#size));
    this.#chunks.push(bytes);
    this.#size = at + bytes.length;
    return at;
  }

  run(root: WGroup): Uint8Array {
    const superblock = new Block(96);
    this.#append(superblock.bytes);
    this.#collectStrings(root);
    if (this.#strings.length > 0) this.#gcol = this.#append(this.#globalHeap());
    const r = this.#writeGroup(root);
    const eof = pad8(this.#size);
    const sb = superblock;
    sb.set(0, new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]));
    sb.u8(13, 8);
    sb.u8(14, 8);
    sb.u16(16, LEAF_K);
    sb.u16(18, INTERNAL_K);
    sb.u64(24, 0);
    sb.u64(32, UNDEF);
    sb.u64(40, eof);
    sb.u64(48, UNDEF);
    sb.u64(56, 0);
    sb.u64(64, r.header);
    sb.u32(72, 1);
    sb.u64(80, r.btree);
    sb.u64(88, r.heap);
    const out = new Uint8Array(eof);
    let p = 0;
    for (const c of this.#chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }

  #collectStrings(g: WNode): void {
    for (const v of g.attrs.values()) {
      for (const s of typeof v === "string" ? [v] : Array.isArray(v) ? v : []) {
        if (s === "" || this.#stringIds.has(s)) continue;
        this.#strings.push(enc.encode(s));
        this.#stringIds.set(s, this.#strings.length);
      }
    }
    if (g.kind === "group") { for (const c of g.children.values()) this.#collectStrings(c); }
  }

  /** One global heap collection holding every string, in collection order (ids from 1). */
  #globalHeap(): Uint8Array {
    let used = 16;
    for (const s of this.#strings) used += 16 + pad8(s.length);
    const size = Math.max(4096, used + 16);
    const b = new Block(size);
    b.set(0, enc.encode("GCOL"));
    b.u8(4, 1);
    b.u64(8, size);
    let p = 16;
    this.#strings.forEach((s, i) => {
      b.u16(p, i + 1);
      b.u16(p + 2, 1);
      b.u64(p + 8, s.length);
      b.set(p + 16, s);
      p += 16 + pad8(s.length);
    });
    b.u16(p, 0);
    b.u64(p + 8, size - p);
    return b.bytes;
  }

  #attributeMessages(attrs: Map<string, H5WriteAttribute>): [number, Uint8Array][] {
    const out: [number, Uint8Array][] = [];
    for (const [name, value] of attrs) {
      const nameBytes = enc.encode(name);
      let type: Uint8Array;
      let space: Uint8Array;
      let data: Uint8Array;
      if (typeof value === "string" || Array.isArray(value)) {
        const list = typeof value === "string" ? [value] : value;
        type = vlenStringType();
        space = dataspace(typeof value === "string" ? [] : [list.length]);
        const d = new Block(16 * list.length);
        list.forEach((s, i) => {
          d.u32(16 * i, enc.encode(s).length);
          d.u64(16 * i + 4, s === "" ? 0 : this.#gcol);
          d.u32(16 * i + 12, this.#stringIds.get(s) ?? 0);
        });
        data = d.bytes;
      } else {
        type = numericType(value);
        space = dataspace([value.length]);
        data = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      }
      const size = 8 + pad8(nameBytes.length + 1) + pad8(type.length) + pad8(space.length) +
        data.length;
      const m = new Block(pad8(size));
      m.u8(0, 1);
      m.u16(2, nameBytes.length + 1);
      m.u16(4, type.length);
      m.u16(6, space.length);
      let p = 8;
      m.set(p, nameBytes);
      p += pad8(nameBytes.length + 1);
      m.set(p, type);
      p += pad8(type.length);
      m.set(p, space);
      p += pad8(space.length);
      m.set(p, data);
      out.push([0x0c, m.bytes]);
    }
    return out;
  }

  #writeDataset(d: WDataset): number {
    const raw = new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength);
    const address = raw.length > 0 ? this.#append(raw.slice()) : UNDEF;
    const layout = new Block(24);
    layout.u8(0, 3);
    layout.u8(1, 1);
    layout.u64(2, address);
    layout.u64(10, raw.length);
    const messages: [number, Uint8Array][] = [
      [0x01, dataspace(d.shape)],
      [0x03, numericType(d.data)],
      [0x05, new Uint8Array([2, 2, 2, 1, 0, 0, 0, 0])],
      [0x08, layout.bytes],
      ...this.#attributeMessages(d.attrs),
    ];
    return this.#append(objectHeader(messages));
  }

  #writeGroup(g: WGroup): Written {
    const names = [...g.children.keys()].map((n) => enc.encode(n)).sort(compareBytes);
    if (names.length > MAX_MEMBERS) {
      throw new RangeError(`H5Writer: a group may hold at most ${MAX_MEMBERS} members`);
    }
    const dec = new TextDecoder();
    const members: { name: Uint8Array; header: number; written?: Written }[] = [];
    for (const name of names) {
      const child = g.children.get(dec.decode(name))!;
      if (child.kind === "dataset") members.push({ name, header: this.#writeDataset(child) });
      else {
        const w = this.#writeGroup(child);
        members.push({ name, header: w.header, written: w });
      }
    }
    // Local heap: "" at offset 0, then the names.
    let heapSize = 8;
    const nameOffsets: number[] = [];
    for (const m of members) {
      nameOffsets.push(heapSize);
      heapSize += pad8(m.name.length + 1);
    }
    const heapData = new Uint8Array(heapSize);
    members.forEach((m, i) => heapData.set(m.name, nameOffsets[i]));
    const heapHeader = new Block(32);
    const heapAt = this.#append(heapHeader.bytes);
    const heapDataAt = this.#append(heapData);
    heapHeader.set(0, enc.encode("HEAP"));
    heapHeader.u64(8, heapSize);
    heapHeader.u64(16, 1); // H5HL_FREE_NULL: no free block
    heapHeader.u64(24, heapDataAt);
    // Symbol table nodes of up to 2K entries each.
    const snods: number[] = [];
    const lastKey: number[] = [];
    for (let start = 0; start < members.length; start += SNOD_CAPACITY) {
      const part = members.slice(start, start + SNOD_CAPACITY);
      const b = new Block(8 + SNOD_CAPACITY * 40);
      b.set(0, enc.encode("SNOD"));
      b.u8(4, 1);
      b.u16(6, part.length);
      part.forEach((m, i) => {
        const e = 8 + 40 * i;
        b.u64(e, nameOffsets[start + i]);
        b.u64(e + 8, m.header);
        if (m.written) {
          b.u32(e + 16, 1);
          b.u64(e + 24, m.written.btree);
          b.u64(e + 32, m.written.heap);
        }
      });
      snods.push(this.#append(b.bytes));
      lastKey.push(nameOffsets[start + part.length - 1]);
    }
    const tree = new Block(24 + (2 * INTERNAL_K + 1) * 8 + 2 * INTERNAL_K * 8);
    tree.set(0, enc.encode("TREE"));
    tree.u8(4, 0);
    tree.u8(5, 0);
    tree.u16(6, snods.length);
    tree.u64(8, UNDEF);
    tree.u64(16, UNDEF);
    let p = 24;
    tree.u64(p, 0);
    p += 8;
    snods.forEach((addr, i) => {
      tree.u64(p, addr);
      tree.u64(p + 8, lastKey[i]);
      p += 16;
    });
    const btree = this.#append(tree.bytes);
    const symtab = new Block(16);
    symtab.u64(0, btree);
    symtab.u64(8, heapAt);
    const header = this.#append(
      objectHeader([[0x11, symtab.bytes], ...this.#attributeMessages(g.attrs)]),
    );
    return { header, btree, heap: heapAt };
  }
}

function objectHeader(messages: [number, Uint8Array][]): Uint8Array {
  let size = 0;
  for (const [, data] of messages) size += 8 + pad8(data.length);
  const b = new Block(16 + size);
  b.u8(0, 1);
  b.u16(2, messages.length);
  b.u32(4, 1);
  b.u32(8, size);
  let p = 16;
  for (const [type, data] of messages) {
    b.u16(p, type);
    b.u16(p + 2, pad8(data.length));
    b.u8(p + 4, type === 0x03 || type === 0x05 ? 1 : 0);
    b.set(p + 8, data);
    p += 8 + pad8(data.length);
  }
  return b.bytes;
}

function dataspace(shape: readonly number[]): Uint8Array {
  const b = new Block(8 + 8 * shape.length);
  b.u8(0, 1);
  b.u8(1, shape.length);
  shape.forEach((d, i) => b.u64(8 + 8 * i, d));
  return b.bytes;
}

function vlenStringType(): Uint8Array {
  const b = new Block(20);
  b.set(0, new Uint8Array([0x19, 0x01, 0x01, 0x00]));
  b.u32(4, 16);
  b.set(8, new Uint8Array([0x10, 0x00, 0x00, 0x00]));
  b.u32(12, 1);
  b.u16(16, 0);
  b.u16(18, 8);
  return b.bytes;
}

function numericType(data: H5WriteData): Uint8Array {
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const f32 = data instanceof Float32Array;
    const b = new Block(20);
    b.set(0, new Uint8Array([0x11, 0x20, f32 ? 31 : 63, 0]));
    b.u32(4, f32 ? 4 : 8);
    b.u16(8, 0);
    b.u16(10, f32 ? 32 : 64);
    b.u8(12, f32 ? 23 : 52);
    b.u8(13, f32 ? 8 : 11);
    b.u8(14, 0);
    b.u8(15, f32 ? 23 : 52);
    b.u32(16, f32 ? 127 : 1023);
    return b.bytes;
  }
  const i32 = data instanceof Int32Array;
  const b = new Block(12);
  b.set(0, new Uint8Array([0x10, i32 ? 0x08 : 0x00, 0, 0]));
  b.u32(4, i32 ? 4 : 1);
  b.u16(8, 0);
  b.u16(10, i32 ? 32 : 8);
  return b.bytes;
}
