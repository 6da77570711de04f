/**
 * Mapping the pages of large fresh arrays ahead of their first writes, on huge pages where
 * advised (Linux, with the FFI permission; libc is opened as this module loads). A fresh array's
 * pages are mapped one 4 KiB page at a time on its first writes, and a page fault is dear on some
 * virtual machines (10 µs each measured here, more when two threads fault at once: a 26 MB output
 * of W3 cost two pool workers 3,200 faults each per call, 70 ms against 33 ms with huge pages).
 * Asking the kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`) before the first write
 * maps the array 2 MiB at a time. Memory already mapped (an allocation that reuses freed pages) is
 * left alone: advising it costs time and gains nothing.
 *
 * @module
 */
import { hasDlopen, permissionState } from "./_blas_ffi.ts";
import type { DType } from "./tensor.ts";

const LIBC_SYMBOLS = {
  madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  mincore: { parameters: ["pointer", "usize", "buffer"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

const MADV_HUGEPAGE = 14;
const MADV_POPULATE_WRITE = 23;
const HUGE = 2n * 1024n * 1024n;
const PAGE = 4096n;

/** Bytes an array needs for advice to be worth a system call: two huge pages. */
export const HUGE_PAGE_MIN_BYTES = 4 * 1024 * 1024;

let libc: Libc | null | undefined;

function openLibc(): Libc | null {
  if (libc !== undefined) return libc;
  libc = null;
  if (!hasDlopen() || Deno.build.os !== "linux") return libc;
  if (permissionState({ name: "ffi" }) !== "granted") return libc;
  try {
    libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
  } catch {
    libc = null;
  }
  return libc;
}

// Opened as the module loads, so that no later call opens a library: Deno's resource sanitizer
// fails a test (the user's too) inside which a library is opened and left open.
openLibc();

/**
 * Whether {@linkcode adviseHugePages} can advise in this thread: Linux, the FFI permission, and
 * libc's `madvise` (libc is opened when this module loads and kept open for the thread's life).
 *
 * @example
 * ```ts
 * import { hugePagesAvailable } from "@kerno/tensor";
 * hugePagesAvailable(); // true on Linux with --allow-ffi
 * ```
 */
export function hugePagesAvailable(): boolean {
  return openLibc() !== null;
}

/**
 * Asks for huge pages under the 2 MiB-aligned interior of `view` when none of that
 * interior is mapped yet (a fresh allocation). Returns whether the advice was given; false when
 * the view is under {@linkcode HUGE_PAGE_MIN_BYTES}, already mapped, or where there is no libc or
 * FFI permission (nothing changes then). Call it before the first write.
 *
 * @example
 * ```ts
 * import { adviseHugePages } from "@kerno/tensor";
 * const out = new Float32Array(new SharedArrayBuffer(64 << 20));
 * adviseHugePages(out); // true on Linux with --allow-ffi: its first writes map 2 MiB at a time
 * adviseHugePages(new Float32Array(16)); // false: too small to be worth a system call
 * ```
 */
export function adviseHugePages(view: ArrayBufferView): boolean {
  if (view.byteLength < HUGE_PAGE_MIN_BYTES) return false;
  const c = openLibc();
  if (c === null) return false;
  const pointer = Deno.UnsafePointer.of(view as unknown as BufferSource);
  if (pointer === null) return false;
  const address = BigInt(Deno.UnsafePointer.value(pointer));
  const start = (address + HUGE - 1n) & ~(HUGE - 1n);
  const end = (address + BigInt(view.byteLength)) & ~(HUGE - 1n);
  if (end <= start) return false;
  const length = end - start;
  const interior = Deno.UnsafePointer.create(start);
  const resident = new Uint8Array(Number(length / PAGE));
  if (c.mincore(interior, length, resident) !== 0) return false;
  const pagesPerHuge = Number(HUGE / PAGE);
  for (let i = 0; i < resident.length; i += pagesPerHuge) if (resident[i] & 1) return false;
  return c.madvise(interior, length, MADV_HUGEPAGE) === 0;
}

/** Bytes under which {@linkcode prefaultAddress} leaves the pages to fault in on first write. */
export const PREFAULT_MIN_BYTES = 64 * 1024;

/** Whether the kernel takes `MADV_POPULATE_WRITE` (Linux 5.14 on); found on first use. */
let populates: boolean | undefined;

/** Whether `MADV_POPULATE_WRITE` works here, tried on one page of a fresh array. */
function probePopulate(c: Libc): boolean {
  const pages = new Uint8Array(2 * Number(PAGE));
  const address = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(pages)));
  const start = (address + PAGE - 1n) & ~(PAGE - 1n);
  return c.madvise(Deno.UnsafePointer.create(start), PAGE, MADV_POPULATE_WRITE) === 0;
}

/**
 * Internal: maps in, in one system call (`madvise(MADV_POPULATE_WRITE)`), the pages under the
 * `bytes` bytes at `address` that are not mapped yet, ahead of the writes that would otherwise
 * fault them in one at a time; the contents are unchanged. On the virtual machines measured
 * here a 4 KiB page fault costs about 14 µs: writing fresh memory cost 2.9 ms a MB, populating
 * it 0.18 (0.05 on huge pages), walking pages already mapped 0.05. Returns whether the kernel
 * populated the range; false under {@linkcode PREFAULT_MIN_BYTES}, where there is no libc or
 * FFI permission, or on kernels without `MADV_POPULATE_WRITE` (the writes then fault as before).
 */
export function prefaultAddress(address: number, bytes: number): boolean {
  if (bytes < PREFAULT_MIN_BYTES || !Number.isSafeInteger(address) || address <= 0) return false;
  const c = openLibc();
  if (c === null || !(populates ??= probePopulate(c))) return false;
  const start = BigInt(address) & ~(PAGE - 1n);
  const end = (BigInt(address) + BigInt(bytes) + PAGE - 1n) & ~(PAGE - 1n);
  return c.madvise(Deno.UnsafePointer.create(start), end - start, MADV_POPULATE_WRITE) === 0;
}

/**
 * Internal: a zero-filled `Float32Array` of `length` whose pages are mapped in at once
 * ({@linkcode prefaultAddress}) before anything writes to it, where this thread can call libc
 * (Linux, the FFI permission); with `hugePages`, a large one first gets
 * {@linkcode adviseHugePages}.
 */
export function freshFloat32Array(length: number, hugePages: boolean): Float32Array {
  const a = new Float32Array(length);
  if (a.byteLength < PREFAULT_MIN_BYTES) return a;
  if (hugePages) adviseHugePages(a);
  const address = addressOf(a);
  if (address !== null) prefaultAddress(address, a.byteLength);
  return a;
}

/**
 * Internal: whether {@linkcode addressOf} and {@linkcode viewAtAddress} work in this thread (Linux,
 * the FFI permission, libc).
 */
export function addressesAvailable(): boolean {
  return openLibc() !== null;
}

/**
 * Internal: the address of `view`'s first byte, for {@linkcode viewAtAddress} in another thread;
 * null where there is no libc or FFI permission.
 */
export function addressOf(view: ArrayBufferView): number | null {
  if (openLibc() === null || view.byteLength === 0) return null;
  const pointer = Deno.UnsafePointer.of(view as unknown as BufferSource);
  return pointer === null ? null : Number(Deno.UnsafePointer.value(pointer));
}

/**
 * Internal: a typed array of `length` elements of `dtype` over the memory at `address` (from
 * {@linkcode addressOf} in another thread), for writing results there in place. The memory is
 * not the view's: the caller keeps its owner alive while the view is used, and drops the view
 * after (it must not be kept, sent or transferred).
 */
export function viewAtAddress(
  address: number,
  dtype: DType,
  length: number,
): Float32Array | Int32Array | Uint8Array {
  if (openLibc() === null) throw new Error("viewAtAddress needs libc and the FFI permission");
  if (!Number.isSafeInteger(address) || address <= 0) {
    throw new RangeError(`viewAtAddress: expected a memory address, found ${address}`);
  }
  const size = dtype === "bool" ? 1 : 4;
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`viewAtAddress: expected a length, found ${length}`);
  }
  if (length === 0) {
    return dtype === "float32"
      ? new Float32Array(0)
      : dtype === "int32"
      ? new Int32Array(0)
      : new Uint8Array(0);
  }
  const pointer = Deno.UnsafePointer.create(BigInt(address));
  if (pointer === null) throw new RangeError(`viewAtAddress: no pointer for ${address}`);
  const buffer = Deno.UnsafePointerView.getArrayBuffer(pointer, length * size);
  return dtype === "float32"
    ? new Float32Array(buffer)
    : dtype === "int32"
    ? new Int32Array(buffer)
    : new Uint8Array(buffer);
}
