import { UNDEFINED_ADDRESS } from "./_bytes.ts";
import { walkBTreeV1 } from "./_btree.ts";
import type { H5Context } from "./_superblock.ts";
import { currentLimits } from "@kerno/layers";
import { inflateZlib } from "../_zlib.ts";

/** Where a dataset's values are stored. */
export type H5Layout =
  | { readonly kind: "compact"; readonly at: number; readonly size: number }
  | { readonly kind: "contiguous"; readonly address: number; readonly size: number }
  | { readonly kind: "chunked"; readonly address: number; readonly chunk: number[] };

/** One filter of a dataset's pipeline. */
export interface H5Filter {
  /** Filter id (1 deflate, 2 shuffle, …). */
  readonly id: number;
  /** Client data values. */
  readonly values: number[];
}

/** Largest dataset Kerno reads, in bytes (2 GiB). */
export const MAX_DATASET_BYTES = 2 ** 31;

/** Parses a data layout message (versions 1 to 4; chunked only up to version 3). */
export function readLayout(ctx: H5Context, at: number, rank: number, what: string): H5Layout {
  const { view } = ctx;
  const O = ctx.offsetSize;
  const version = view.u8(at, what);
  if (version === 1 || version === 2) {
    const dimensionality = view.u8(at + 1, what);
    const cls = view.u8(at + 2, what);
    let p = at + 8;
    let address = UNDEFINED_ADDRESS;
    if (cls !== 0) {
      address = view.uint(p, O, what);
      p += O;
    }
    const dims: number[] = [];
    for (let i = 0; i < dimensionality; i++) dims.push(view.u32(p + 4 * i, what));
    p += 4 * dimensionality;
    if (cls === 0) return { kind: "compact", at: p + 4, size: view.u32(p, what) };
    if (cls === 1) return { kind: "contiguous", address, size: -1 };
    return { kind: "chunked", address, chunk: dims };
  }
  if (version === 3 || version === 4) {
    const cls = view.u8(at + 1, what);
    if (cls === 0) return { kind: "compact", at: at + 4, size: view.u16(at + 2, what) };
    if (cls === 1) {
      return {
        kind: "contiguous",
        address: view.uint(at + 2, O, what),
        size: view.uint(at + 2 + O, ctx.lengthSize, what),
      };
    }
    if (cls === 2 && version === 3) {
      const dimensionality = view.u8(at + 2, what);
      const address = view.uint(at + 3, O, what);
      const chunk: number[] = [];
      for (let i = 0; i < dimensionality; i++) chunk.push(view.u32(at + 3 + O + 4 * i, what));
      if (dimensionality !== rank + 1) {
        throw new TypeError(
          `${view.label}: corrupted HDF5 file: chunk rank ${
            dimensionality - 1
          } differs from dataset rank ${rank} (${what})`,
        );
      }
      return { kind: "chunked", address, chunk };
    }
    throw new TypeError(
      `${view.label}: unsupported storage layout (class ${cls}, layout version ${version}) in ${what}; re-save the file with h5py's default settings`,
    );
  }
  throw new TypeError(
    `${view.label}: unsupported data layout message version ${version} (${what})`,
  );
}

/** Parses a filter pipeline message (versions 1 and 2). */
export function readFilters(ctx: H5Context, at: number, what: string): H5Filter[] {
  const { view } = ctx;
  const version = view.u8(at, what);
  const n = view.u8(at + 1, what);
  let p = at + (version === 1 ? 8 : 2);
  const out: H5Filter[] = [];
  for (let i = 0; i < n; i++) {
    const id = view.u16(p, what);
    const hasName = version === 1 || id >= 256;
    const nameLength = hasName ? view.u16(p + 2, what) : 0;
    p += hasName ? 4 : 2;
    p += 2; // flags
    const nValues = view.u16(p, what);
    p += 2;
    p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength;
    const values: number[] = [];
    for (let j = 0; j < nValues; j++) values.push(view.u32(p + 4 * j, what));
    p += 4 * nValues + (version === 1 && nValues % 2 === 1 ? 4 : 0);
    out.push({ id, values });
  }
  return out;
}

/**
 * Bytes of data the file really holds for a dataset: compact and contiguous storage as far as it
 * lies inside the file, chunks at their stored size (times `maxCompressionRatio` when a filter
 * may have compressed them).
 */
export function storedDataBytes(
  ctx: H5Context,
  layout: H5Layout,
  filters: H5Filter[],
  rank: number,
  what: string,
): number {
  const fileBytes = ctx.view.bytes.length;
  if (layout.kind === "compact") return layout.size;
  if (layout.kind === "contiguous") {
    if (layout.address === UNDEFINED_ADDRESS) return 0;
    const start = layout.address + ctx.base;
    const room = Math.max(0, fileBytes - start);
    return layout.size < 0 ? room : Math.min(layout.size, room);
  }
  if (layout.address === UNDEFINED_ADDRESS) return 0;
  const keySize = 8 + 8 * (rank + 1);
  const factor = filters.length > 0 ? currentLimits().maxCompressionRatio : 1;
  let total = 0;
  for (const { address, keyAt } of walkBTreeV1(ctx, layout.address, 1, keySize, what)) {
    const room = Math.max(0, fileBytes - address - ctx.base);
    total += Math.min(ctx.view.u32(keyAt, what), room) * factor;
  }
  return total;
}

/** Reads the raw (little- or big-endian) bytes of a dataset of `shape` and `elementSize`. */
export function readRawData(
  ctx: H5Context,
  layout: H5Layout,
  filters: H5Filter[],
  shape: number[],
  elementSize: number,
  what: string,
): Uint8Array {
  const { view } = ctx;
  const count = shape.reduce((a, b) => a * b, 1);
  const total = count * elementSize;
  if (!Number.isSafeInteger(total) || total > MAX_DATASET_BYTES) {
    throw new RangeError(
      `${view.label}: ${what} declares ${total} bytes of data, more than the ${MAX_DATASET_BYTES}-byte limit`,
    );
  }
  if (layout.kind === "compact") {
    return view.slice(layout.at, total, what).slice();
  }
  if (layout.kind === "contiguous") {
    if (layout.address === UNDEFINED_ADDRESS) return new Uint8Array(total);
    if (filters.length > 0) {
      throw new TypeError(`${view.label}: filters on contiguous data are not supported (${what})`);
    }
    return view.slice(layout.address + ctx.base, total, what).slice();
  }
  const out = new Uint8Array(total);
  if (layout.address === UNDEFINED_ADDRESS) return out;
  const rank = shape.length;
  const chunk = layout.chunk.slice(0, rank);
  const chunkBytes = chunk.reduce((a, b) => a * b, 1) * elementSize;
  const keySize = 8 + 8 * (rank + 1);
  const entries = walkBTreeV1(ctx, layout.address, 1, keySize, what);
  for (const { address, keyAt } of entries) {
    const stored = view.u32(keyAt, what);
    const mask = view.u32(keyAt + 4, what);
    const origin: number[] = [];
    for (let d = 0; d < rank; d++) origin.push(view.uint(keyAt + 8 + 8 * d, 8, what));
    let data = view.slice(address + ctx.base, stored, `chunk of ${what}`);
    for (let f = filters.length - 1; f >= 0; f--) {
      if (mask & (1 << f)) continue;
      data = applyFilter(ctx, filters[f], data, elementSize, chunkBytes, what);
    }
    if (data.length < chunkBytes) {
      throw new RangeError(
        `${view.label}: corrupted HDF5 file: a chunk of ${what} has ${data.length} bytes, expected ${chunkBytes}`,
      );
    }
    copyChunk(data, chunk, origin, out, shape, elementSize);
  }
  return out;
}

function applyFilter(
  ctx: H5Context,
  filter: H5Filter,
  data: Uint8Array,
  elementSize: number,
  chunkBytes: number,
  what: string,
): Uint8Array {
  if (filter.id === 1) {
    try {
      return inflateZlib(data, { maxBytes: chunkBytes, sizeHint: chunkBytes });
    } catch (e) {
      throw new TypeError(
        `${ctx.view.label}: corrupted compressed chunk in ${what}: ${(e as Error).message}`,
      );
    }
  }
  if (filter.id === 2) {
    const size = filter.values[0] ?? elementSize;
    const n = Math.floor(data.length / size);
    const out = data.slice();
    for (let b = 0; b < size; b++) {
      for (let i = 0; i < n; i++) out[i * size + b] = data[b * n + i];
    }
    return out;
  }
  const names: Record<number, string> = {
    3: "fletcher32",
    4: "szip",
    5: "nbit",
    6: "scaleoffset",
    32001: "blosc",
    32004: "lz4",
    32015: "zstd",
  };
  throw new TypeError(
    `${ctx.view.label}: ${what} uses the HDF5 filter ${filter.id}${
      names[filter.id] ? ` (${names[filter.id]})` : ""
    }, which Kerno does not support (only gzip and shuffle)`,
  );
}

function copyChunk(
  src: Uint8Array,
  chunk: number[],
  origin: number[],
  out: Uint8Array,
  shape: number[],
  elementSize: number,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(src.subarray(0, elementSize));
    return;
  }
  const last = rank - 1;
  const rowLen = Math.max(0, Math.min(chunk[last], shape[last] - origin[last]));
  if (rowLen === 0) return;
  const idx = new Array(rank - 1).fill(0);
  for (;;) {
    let inside = true;
    let srcOff = 0;
    let dstOff = 0;
    for (let d = 0; d < rank - 1; d++) {
      const g = origin[d] + idx[d];
      if (g >= shape[d]) inside = false;
      srcOff = srcOff * chunk[d] + idx[d];
      dstOff = dstOff * shape[d] + g;
    }
    if (inside) {
      const s = (srcOff * chunk[last]) * elementSize;
      const t = (dstOff * shape[last] + origin[last]) * elementSize;
      out.set(src.subarray(s, s + rowLen * elementSize), t);
    }
    let d = rank - 2;
    while (d >= 0 && ++idx[d] >= chunk[d]) idx[d--] = 0;
    if (d < 0) break;
  }
}
