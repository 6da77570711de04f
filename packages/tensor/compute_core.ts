/**
 * The WebAssembly compute core of the recurrent layers: float32 SIMD products over packed
 * weights and whole gate updates, on arrays resident in the core's WebAssembly memory
 * ({@linkcode ResidentArray}). The recurrent layers keep their projections and states there for
 * the whole sequence, so a timestep is one product and one gate call, with no copies.
 *
 * Arithmetic: every product and sum is rounded to float32 in a fixed order, and a row's result
 * never depends on the other rows of a call (the worker pool's bit-identity rests on this).
 * Multiply-adds are fused where the CPU has FMA, unless deterministic mode rounds each product
 * and sum separately, for the same bits on every CPU (see `core_arithmetic.ts`).
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import type { ActivationFn } from "./activations.ts";
import { getActivation } from "./activations.ts";
import { checkDim } from "./_gemm_check.ts";
import { coreExports, type RowKernel } from "./_core_wasm.ts";
import { activeCoreExports } from "./core_arithmetic.ts";
import { blasCoreProduct } from "./_blas_core.ts";
import { heapOffset, type PackedMatrix } from "./_gemm_packed_matrix.ts";
import {
  f32View,
  heapAlloc,
  heapFree,
  memory,
  PANEL_TAIL,
  PANEL_TAIL_BIAS,
  PANEL_TAIL_ROWS,
} from "./_gemm_wasm_heap.ts";
import { VECTOR_ACTIVATIONS, type VectorActivation } from "./_vector_activations_wasm.ts";

let enabled = true;

/**
 * Whether the compute core runs: WebAssembly SIMD is available and the core is not switched
 * off by {@linkcode useComputeCore}. Where it does not, the recurrent layers run their
 * JavaScript kernels.
 *
 * @example
 * ```ts
 * import { computeCoreActive } from "@kerno/tensor";
 * typeof computeCoreActive(); // "boolean"
 * ```
 */
export function computeCoreActive(): boolean {
  return enabled && coreExports !== null;
}

/**
 * Switches the compute core on or off (on by default where WebAssembly SIMD exists) and
 * returns the previous setting. Off, the recurrent layers run their JavaScript kernels (the
 * tests compare the two).
 *
 * @example
 * ```ts
 * import { useComputeCore } from "@kerno/tensor";
 * const was = useComputeCore(false);
 * useComputeCore(was);
 * ```
 */
export function useComputeCore(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function exportsOrThrow() {
  const core = activeCoreExports();
  if (core === null) {
    throw new TypeError("The compute core needs WebAssembly SIMD, which this runtime lacks");
  }
  return core;
}

/**
 * Thrown when the compute core's WebAssembly memory cannot hold a new {@linkcode ResidentArray}
 * (it is limited to 4 GiB); the recurrent layers then run that call on their JavaScript path.
 *
 * @example
 * ```ts
 * import { ResidentMemoryError } from "@kerno/tensor";
 * new ResidentMemoryError(8).message; // "ResidentArray: cannot grow the WebAssembly memory by 8 bytes"
 * ```
 */
export class ResidentMemoryError extends RangeError {
  /** An error for a request of `bytes` bytes. */
  constructor(bytes: number) {
    super(`ResidentArray: cannot grow the WebAssembly memory by ${bytes} bytes`);
    this.name = "ResidentMemoryError";
  }
}

const registry: FinalizationRegistry<[number, number]> | null =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry(([start, bytes]) => heapFree(start, bytes))
    : null;

/**
 * A float32 array resident in the compute core's WebAssembly memory: the kernels of this
 * module take views of it in place. Allocating one may grow the memory, which invalidates
 * every view taken before: take {@linkcode ResidentArray.f32} again after allocating. Free it
 * with {@linkcode ResidentArray.free} (or `using`); an array never freed is released when it
 * is garbage-collected.
 *
 * @example
 * ```ts
 * import { ResidentArray } from "@kerno/tensor";
 * using h = new ResidentArray(8);
 * h.f32.fill(0.5);
 * ```
 */
export class ResidentArray {
  /** Number of floats. */
  readonly length: number;
  #start: number;
  readonly #bytes: number;
  #view: Float32Array = new Float32Array(0);

  /** `length` floats (zero-filled) in the core's memory. */
  constructor(length: number) {
    checkDim("length", length, "ResidentArray");
    exportsOrThrow();
    this.length = length;
    this.#bytes = Math.max(16, 4 * length);
    const start = heapAlloc(this.#bytes);
    if (start < 0) throw new ResidentMemoryError(this.#bytes);
    this.#start = start;
    registry?.register(this, [start, this.#bytes], this);
    f32View().fill(0, start / 4, start / 4 + length);
  }

  /**
   * A float32 view of the array, valid until the next allocation in the core's memory (the
   * same view object is returned while the memory has not grown).
   */
  get f32(): Float32Array {
    this.#checkLive();
    if (this.#view.buffer !== memory!.buffer || this.#view.length !== this.length) {
      this.#view = f32View().subarray(this.#start / 4, this.#start / 4 + this.length);
    }
    return this.#view;
  }

  /** A byte view of the same storage (`4 · length` bytes), e.g. for masks. */
  get bytes(): Uint8Array {
    this.#checkLive();
    return new Uint8Array(f32View().buffer, this.#start, 4 * this.length);
  }

  /** Returns the storage to the core's heap; the array must not be used afterwards. */
  free(): void {
    if (this.#start < 0) return;
    registry?.unregister(this);
    heapFree(this.#start, this.#bytes);
    this.#start = -1;
  }

  /** Same as {@linkcode ResidentArray.free}. */
  [Symbol.dispose](): void {
    this.free();
  }

  #checkLive(): void {
    if (this.#start < 0) throw new TypeError("ResidentArray: used after free()");
  }
}

/** Byte address of element `offset` of `view`, which must live in the core's memory. */
function address(
  view: Float32Array<ArrayBufferLike> | Uint8Array<ArrayBufferLike>,
  offset: number,
  what: string,
  fn: string,
): number {
  if (memory === null || view.buffer !== memory.buffer) {
    const stale = (view.buffer as ArrayBuffer).detached === true;
    throw new TypeError(
      `${fn}: ${what} must be a view of a ResidentArray` +
        (stale ? " taken after the last allocation (this view is stale)" : ""),
    );
  }
  return view.byteOffset + view.BYTES_PER_ELEMENT * offset;
}

/** How {@linkcode sgemmCore} starts each element of C. */
export type ProductStart = "zero" | "accumulate" | "bias";

const MODES: Record<ProductStart, number> = { zero: 0, accumulate: 1, bias: 2 };

/**
 * `C[m×n] = start + A·B` on the compute core, `B` a `k × n` {@linkcode PackedMatrix}: `start`
 * is 0, C itself (`"accumulate"`), or `bias[biasOffset + j]` on every row (`"bias"`). A (row
 * stride `lda`), C (row stride `ldc`) and the bias are views of {@linkcode ResidentArray}s.
 * Each element adds its `k` products in order of k, each product and sum rounded to float32.
 * When the native BLAS backend is selected ({@linkcode useBlas}) and takes B's shape
 * ({@linkcode coreProductOnBlas}), the product runs there instead (other rounding, rows still
 * independent), and A may then be any `Float32Array`.
 *
 * @example x·W + b for a batch of 2
 * ```ts
 * import { packMatrix, ResidentArray, sgemmCore } from "@kerno/tensor";
 * const w = packMatrix(new Float32Array([1, 0, 0, 1, 1, 1]), 0, 2, 3, 2); // 3×2
 * using x = new ResidentArray(6), y = new ResidentArray(4), b = new ResidentArray(2);
 * x.f32.set([1, 2, 3, 4, 5, 6]);
 * b.f32.set([10, 20]);
 * sgemmCore(2, x.f32, 0, 3, w, y.f32, 0, 2, "bias", b.f32);
 * // y.f32 = [14, 25, 20, 31]
 * ```
 */
export function sgemmCore(
  m: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: PackedMatrix,
  c: F32,
  cOffset: number,
  ldc: number,
  start: ProductStart = "zero",
  bias?: F32,
  biasOffset = 0,
): void {
  // deno-fmt-ignore
  if (m > 0 && b.cols > 0 && blasCoreProduct(m, a, aOffset, lda, b, c, cOffset, ldc, MODES[start], bias, biasOffset)) return;
  const core = exportsOrThrow();
  const fn = "sgemmCore";
  const k = b.rows, n = b.cols;
  // An empty B (k = 0) has no storage and is never read.
  const bAt = k === 0 ? 0 : heapOffset(b);
  if (bAt < 0) throw new TypeError(`${fn}: B is not packed in the core's memory`);
  const aAt = address(a, aOffset, "A", fn);
  const cAt = address(c, cOffset, "C", fn);
  const mode = MODES[start];
  const biasAt = mode === 2 ? address(bias!, biasOffset, "bias", fn) : 0;
  if (m === 0 || n === 0) return;
  const full = n >> 2;
  if (full > 0) core.sgemm(m, full, k, aAt, 4 * lda, bAt, 16 * k, cAt, 4 * ldc, mode, biasAt);
  const rest = n & 3;
  if (rest === 0) return;
  const f32 = f32View();
  const tail = PANEL_TAIL / 4, j0 = 4 * full;
  if (mode === 2) {
    for (let q = 0; q < 4; q++) {
      f32[PANEL_TAIL_BIAS / 4 + q] = q < rest ? f32[biasAt / 4 + j0 + q] : 0;
    }
  }
  for (let i0 = 0; i0 < m; i0 += PANEL_TAIL_ROWS) {
    const rows = Math.min(PANEL_TAIL_ROWS, m - i0);
    if (mode === 1) {
      for (let i = 0; i < rows; i++) {
        const ci = cAt / 4 + (i0 + i) * ldc + j0;
        for (let q = 0; q < 4; q++) f32[tail + 4 * i + q] = q < rest ? f32[ci + q] : 0;
      }
    }
    // deno-fmt-ignore
    core.sgemm(rows, 1, k, aAt + 4 * i0 * lda, 4 * lda, bAt + 16 * k * full, 16 * k, PANEL_TAIL, 16, mode, PANEL_TAIL_BIAS);
    for (let i = 0; i < rows; i++) {
      const ci = cAt / 4 + (i0 + i) * ldc + j0;
      for (let q = 0; q < rest; q++) f32[ci + q] = f32[tail + 4 * i + q];
    }
  }
}

const CODES = new Map<ActivationFn, number>(
  (Object.keys(VECTOR_ACTIVATIONS) as VectorActivation[]).map((name) => [
    getActivation(name),
    VECTOR_ACTIVATIONS[name],
  ]),
);

/**
 * The compute core's code for an activation kernel from `getActivation`, or -1 when the core
 * has no vector form of it (the layer then runs its JavaScript path). The core runs linear,
 * sigmoid, tanh, relu, hard_sigmoid and hard_sigmoid_keras2.
 *
 * @example
 * ```ts
 * import { coreActivationCode, getActivation } from "@kerno/tensor";
 * coreActivationCode(getActivation("tanh")); // 2
 * coreActivationCode(getActivation("gelu")); // -1
 * ```
 */
export function coreActivationCode(fn: ActivationFn): number {
  return CODES.get(fn) ?? -1;
}

/**
 * Applies the activation numbered `code` ({@linkcode coreActivationCode}) in place to
 * `x[offset, offset + length)`, a view of a {@linkcode ResidentArray}.
 *
 * @example
 * ```ts
 * import { coreActivationCode, getActivation, ResidentArray, vectorActivation } from "@kerno/tensor";
 * using x = new ResidentArray(3);
 * x.f32.set([-1, 0, 1]);
 * vectorActivation(coreActivationCode(getActivation("sigmoid")), x.f32, 0, 3);
 * ```
 */
export function vectorActivation(code: number, x: F32, offset: number, length: number): void {
  exportsOrThrow().act(code, address(x, offset, "x", "vectorActivation"), length);
}

/**
 * Where a step's mask bytes are: `bytes[offset + b·stride]` is row `b`'s (0 = skip). Mutable,
 * so that a time loop can move one object from step to step.
 */
export interface StepMask {
  /** A byte view of a {@linkcode ResidentArray}. */
  bytes: Uint8Array;
  /** Index of row 0's byte. */
  offset: number;
  /** Bytes between rows. */
  stride: number;
}

/**
 * The rows of a step: `batch` rows of `proj` from `projOffset`, `projStride` floats apart.
 * Mutable, so that a time loop can move one object from step to step without allocating.
 */
export interface StepRows {
  /** Rows in the batch. */
  batch: number;
  /** Units of the cell. */
  units: number;
  /** The step's projections (consumed). */
  proj: F32;
  /** Index of row 0's projection. */
  projOffset: number;
  /** Index of row 0's values in the states (`h`, `c`, `rh`): the first row times `units`. */
  stateOffset: number;
  /** Floats between rows of `proj`. */
  projStride: number;
  /** Rows to skip, or null. */
  mask: StepMask | null;
}

/** Calls a gate update on the rows `rows` describes, with its own arguments `a` to `d`. */
function runRows(
  kernel: RowKernel,
  fn: string,
  rows: StepRows,
  a: number,
  b: number,
  c = 0,
  d = 0,
): void {
  const mask = rows.mask;
  kernel(
    rows.batch,
    rows.units,
    address(rows.proj, rows.projOffset, "proj", fn),
    4 * rows.projStride,
    mask === null ? 0 : address(mask.bytes, mask.offset, "mask", fn),
    mask === null ? 0 : mask.stride,
    a,
    b,
    c,
    d,
  );
}

/**
 * One LSTM step's gate update on the core (Keras's gate order i, f, c, o): for every unmasked
 * row, `c' = f·c + i·act(z_c)`, `h' = o·act(c')` with `i, f, o = gate(z)`. `h` and `c` are
 * views of {@linkcode ResidentArray}s (`units` floats a row from `rows.stateOffset`), updated in
 * place; the projections must already hold `x·W + b + h·U`.
 */
export function lstmGatesCore(rows: StepRows, h: F32, c: F32, gate: number, act: number): void {
  const fn = "lstmGatesCore";
  const core = exportsOrThrow();
  const at = rows.stateOffset;
  runRows(core.lstmGates, fn, rows, address(h, at, "h", fn), address(c, at, "c", fn), gate, act);
}

/**
 * One GRU step (reset_after) on the core: `rec` is `batch × 3·units` from its start,
 * `h·R + recurrent bias`.
 * For every unmasked row, `z, r = gate(x_zr + rec_zr)`, `ĥ = act(x_h + r·rec_h)`,
 * `h' = z·h + (1 − z)·ĥ`.
 */
export function gruResetAfterCore(
  rows: StepRows,
  rec: F32,
  h: F32,
  gate: number,
  act: number,
): void {
  const fn = "gruResetAfterCore";
  const core = exportsOrThrow();
  const hAt = address(h, rows.stateOffset, "h", fn);
  runRows(core.gruResetAfter, fn, rows, address(rec, 0, "rec", fn), hAt, gate, act);
}

/**
 * The first half of a GRU step with the reset gate applied before the product: `rec` is
 * `batch × 2·units` from its start, `h·R[:, :2u]`. For every unmasked row, `z, r = gate(x_zr + rec_zr)` (left in
 * the projection) and `rh = r·h` (`batch × units`). The caller then adds `rh·R[:, 2u:]` to `x_h`
 * and calls {@linkcode gruFinishCore}.
 */
export function gruResetBeforeCore(rows: StepRows, rec: F32, h: F32, rh: F32, gate: number): void {
  const fn = "gruResetBeforeCore";
  const core = exportsOrThrow();
  const at = rows.stateOffset;
  const recAt = address(rec, 0, "rec", fn);
  runRows(
    core.gruResetBefore,
    fn,
    rows,
    recAt,
    address(h, at, "h", fn),
    address(rh, at, "rh", fn),
    gate,
  );
}

/** The end of a GRU step: `ĥ = act(x_h)`, `h' = z·h + (1 − z)·ĥ` for every unmasked row. */
export function gruFinishCore(rows: StepRows, h: F32, act: number): void {
  const fn = "gruFinishCore";
  runRows(exportsOrThrow().gruFinish, fn, rows, address(h, rows.stateOffset, "h", fn), act);
}

/** One SimpleRNN step on the core: `h' = act(z)` for every unmasked row. */
export function simpleRnnUpdateCore(rows: StepRows, h: F32, act: number): void {
  const fn = "simpleRnnUpdateCore";
  runRows(exportsOrThrow().simpleRnnUpdate, fn, rows, address(h, rows.stateOffset, "h", fn), act);
}
