/**
 * The WebAssembly memory the SIMD kernels of `_gemm_wasm.ts` and the compute core work in: fixed
 * scratch regions first (a packed block of A, one row of A, the kernels' sums, the core's tails),
 * then a heap holding the panels
 * of every live {@linkcode PackedMatrix}. A region of the heap is freed when its matrix is
 * garbage-collected. The memory only grows; typed-array views of it are re-made after a growth.
 *
 * @module
 */

const PAGE = 65536;
/** Packed block of A: 64 rows × 256 steps of k, float64 (`packA` layout). */
export const A_PACK = 0;
/** One row of A, up to 256 steps of k, float64. */
export const A_ROW = 131072;
/** The kernels' double-precision sums: up to 1024 values. */
export const SUMS = 133120;
/** 16 bytes where the compute core's activations run the last 1 to 3 values of a range. */
export const VEC_TAIL = 141312;
/** Scratch of the compute core's product for a last, partial 4-column panel: 256 rows of 4. */
export const PANEL_TAIL = 141328;
/** Rows {@linkcode PANEL_TAIL} holds. */
export const PANEL_TAIL_ROWS = 256;
/** Four floats of bias for that panel. */
export const PANEL_TAIL_BIAS = PANEL_TAIL + 16 * PANEL_TAIL_ROWS;
/** Start of the heap (4 pages). */
const HEAP = 262144;
/** Heap allocations are rounded up to cache lines. */
const ALIGN = 64;

/** The memory, or null where WebAssembly is unavailable. */
export const memory: WebAssembly.Memory | null = (() => {
  try {
    return new WebAssembly.Memory({ initial: HEAP / PAGE + 16 });
  } catch {
    return null;
  }
})();

/** Free regions of the heap, `[start, end)` byte pairs sorted by start, none adjacent. */
const holes: [number, number][] = [];
/** End of the used part of the heap. */
let top = HEAP;

let buffer: ArrayBuffer | null = null;
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);

/** Re-makes the views if the memory grew since they were made. */
function refresh(): void {
  if (memory !== null && memory.buffer !== buffer) {
    const current = memory.buffer as ArrayBuffer; // not shared: created without `shared`
    buffer = current;
    f32 = new Float32Array(current);
    f64 = new Float64Array(current);
  }
}

/** A float32 view of the whole memory, current (empty where there is no memory). */
export function f32View(): Float32Array {
  refresh();
  return f32;
}

/** A float64 view of the whole memory, current (empty where there is no memory). */
export function f64View(): Float64Array {
  refresh();
  return f64;
}

/**
 * A heap region of at least `bytes` bytes, 64-byte aligned: its byte offset, or -1 when the
 * memory cannot grow (or there is none).
 */
export function heapAlloc(bytes: number): number {
  if (memory === null) return -1;
  const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  for (let i = 0; i < holes.length; i++) {
    const [start, end] = holes[i];
    if (end - start < size) continue;
    if (end - start === size) holes.splice(i, 1);
    else holes[i][0] = start + size;
    return start;
  }
  const need = top + size - memory.buffer.byteLength;
  if (need > 0) {
    try {
      memory.grow(Math.ceil(need / PAGE));
    } catch {
      return -1;
    }
  }
  const start = top;
  top += size;
  return start;
}

/** Returns the region of `bytes` bytes at `start` (from {@linkcode heapAlloc}) to the heap. */
export function heapFree(start: number, bytes: number): void {
  let end = start + Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  let i = 0;
  while (i < holes.length && holes[i][0] < start) i++;
  if (i > 0 && holes[i - 1][1] === start) {
    i--;
    start = holes[i][0];
    holes.splice(i, 1);
  }
  if (i < holes.length && holes[i][0] === end) {
    end = holes[i][1];
    holes.splice(i, 1);
  }
  if (end === top) top = start;
  else holes.splice(i, 0, [start, end]);
}

/** Bytes of the heap in use (for tests). */
export function heapUsed(): number {
  let free = 0;
  for (const [start, end] of holes) free += end - start;
  return top - HEAP - free;
}
