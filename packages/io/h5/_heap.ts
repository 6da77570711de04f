import type { H5Context } from "./_superblock.ts";
import { UNDEFINED_ADDRESS } from "./_bytes.ts";

/** A local heap: where a symbol-table group keeps its member names. */
export interface LocalHeap {
  /** Absolute offset of the data segment. */
  readonly dataAt: number;
  /** Size of the data segment. */
  readonly size: number;
}

/** Reads the local heap header at `address`. */
export function readLocalHeap(ctx: H5Context, address: number, what: string): LocalHeap {
  const { view } = ctx;
  const at = address + ctx.base;
  view.expectSignature(at, "HEAP", `local heap of ${what}`);
  const L = ctx.lengthSize;
  const size = view.uint(at + 8, L, `local heap of ${what}`);
  const version = view.u8(at + 4, `local heap of ${what}`);
  if (version !== 0) {
    throw new TypeError(
      `${view.label}: corrupted HDF5 file: local heap of ${what} has version ${version} (expected 0)`,
    );
  }
  const dataAt = view.uint(at + 8 + 2 * L, ctx.offsetSize, `local heap of ${what}`) + ctx.base;
  view.check(dataAt, size, `local heap data of ${what}`);
  const freeList = view.uint(at + 8 + L, L, `local heap of ${what}`);
  // HDF5 ends a free list with 1 (H5HL_FREE_NULL) or the undefined address.
  if (freeList !== UNDEFINED_ADDRESS && freeList !== 1 && freeList >= size) {
    throw new RangeError(
      `${view.label}: corrupted HDF5 file: the local heap of ${what} has its free list at ${freeList}, outside its ${size} bytes`,
    );
  }
  return { dataAt, size };
}

/** The NUL-terminated name at `offset` in a local heap. */
export function heapName(ctx: H5Context, heap: LocalHeap, offset: number, what: string): string {
  if (offset >= heap.size) {
    throw new RangeError(
      `${ctx.view.label}: corrupted HDF5 file: name offset ${offset} is outside the local heap of ${what} (${heap.size} bytes)`,
    );
  }
  return ctx.view.cString(heap.dataAt + offset, heap.dataAt + heap.size, `member name in ${what}`);
}

/** Reads object `index` of the global heap collection at `address` (variable-length data). */
export function globalHeapObject(
  ctx: H5Context,
  cache: Map<number, Map<number, Uint8Array>>,
  address: number,
  index: number,
  what: string,
): Uint8Array {
  let objects = cache.get(address);
  if (!objects) {
    objects = new Map();
    const { view } = ctx;
    const at = address + ctx.base;
    view.expectSignature(at, "GCOL", `global heap of ${what}`);
    const L = ctx.lengthSize;
    const size = view.uint(at + 8, L, `global heap of ${what}`);
    view.check(at, size, `global heap of ${what}`);
    const end = at + size;
    let p = at + 8 + L;
    while (p + 8 + L <= end) {
      const id = view.u16(p, `global heap of ${what}`);
      if (id === 0) break;
      const objSize = view.uint(p + 8, L, `global heap of ${what}`);
      const data = view.slice(p + 8 + L, objSize, `global heap object ${id} of ${what}`);
      objects.set(id, data);
      p += 8 + L + Math.ceil(objSize / 8) * 8;
    }
    cache.set(address, objects);
  }
  const obj = objects.get(index);
  if (!obj) {
    throw new RangeError(
      `${ctx.view.label}: corrupted HDF5 file: global heap object ${index} at ${address} is missing (${what})`,
    );
  }
  return obj;
}
