/**
 * The optional native BLAS backend: where Deno may open native libraries (`--allow-ffi`), the
 * matrix products of the recurrent layers and Dense can run on a system BLAS (`cblas_sgemm`:
 * OpenBLAS, BLIS, Accelerate) with one BLAS thread per worker, writing into the same buffers the
 * WebAssembly core uses; the gate math stays in WebAssembly. It is off unless asked for (here,
 * by `KERNO_BLAS`, or by the `blas` options of `loadModel`, `predict` and `WorkerPool.create`),
 * and whenever the library is missing or fails its self-check the WebAssembly core runs and one
 * line says why. The two backends round differently in the last bits; each is bit-identical
 * across worker counts and shard sizes.
 *
 * @module
 */
import { type BlasFailure, loadBlas, type LoadedBlas } from "./_blas_load.ts";
import { sgemmRows } from "./_blas_call.ts";
import { probeRows, type RowRule } from "./_blas_rows.ts";
import { NativeKernels, probeNativeKernels } from "./_native_choice.ts";
import { nativeSupport } from "./_native_exec.ts";
import { freshFloat32Array } from "./_native_memory.ts";
import type { F32 } from "./tensor.ts";

/**
 * What to run the products on: `true` finds a BLAS library (OpenBLAS, then BLIS, then
 * `libblas.so.3` on Linux; Accelerate on macOS), a string is the path of the library to use,
 * `false` is the WebAssembly core.
 */
export type BlasRequest = boolean | string;

/** Whether the BLAS backend runs, on which library and kernel, or why not. */
export interface BlasStatus {
  /** True when products go to the BLAS library. */
  readonly active: boolean;
  /** The library path or name, when active. */
  readonly library: string | null;
  /** What the library says about itself (version, build, kernel), when active. */
  readonly kernel: string | null;
  /** Why the backend is off although it was asked for; `null` when active or not asked for. */
  readonly reason: string | null;
}

/** Options of {@linkcode useBlas}. */
export interface UseBlasOptions {
  /** Print nothing when the backend cannot run (the caller reports the status itself). */
  quiet?: boolean;
}

const OFF: BlasStatus = { active: false, library: null, kernel: null, reason: null };

/** Libraries tried so far, by path (`""` for "find one"): opened once per thread, kept open. */
const tried = new Map<string, LoadedBlas | BlasFailure>();
/** Row rules per library and product shape (`k·2^24 + n`). */
const rules = new Map<LoadedBlas, Map<number, RowRule>>();
const warned = new Set<string>();

let active: LoadedBlas | null = null;
let status: BlasStatus = OFF;
let quiet = false;
let envRead = false;

/**
 * Selects the backend of every later product in this thread (each worker selects its own) and
 * returns its status. When BLAS is asked for but cannot run (no FFI permission, no library, no
 * `cblas_sgemm`, a failed self-check) the WebAssembly core runs, the status says why and one line
 * is printed to stderr (unless `quiet`). Never throws for a bad library or path.
 *
 * @example
 * ```ts
 * import { useBlas } from "@kerno/tensor";
 * const status = useBlas(true, { quiet: true });
 * console.log(status.active ? `BLAS: ${status.kernel}` : `WebAssembly core (${status.reason})`);
 * useBlas(false);
 * ```
 */
export function useBlas(request: BlasRequest, options: UseBlasOptions = {}): BlasStatus {
  envRead = true;
  quiet = options.quiet ?? false;
  if (request === false) {
    active = null;
    status = OFF;
    return status;
  }
  if (typeof request !== "string" && request !== true) {
    throw new TypeError(`useBlas: expected true, false or a library path, received ${request}`);
  }
  const key = request === true ? "" : request;
  let loaded = tried.get(key);
  if (loaded === undefined) {
    loaded = loadBlas(request === true ? null : request);
    tried.set(key, loaded);
  }
  if ("reason" in loaded) {
    active = null;
    status = { ...OFF, reason: loaded.reason };
    warnOnce(`kerno: BLAS backend off: ${loaded.reason}; using the WebAssembly core`);
  } else {
    active = loaded;
    const native = nativeSupport();
    const rows = !("ok" in native)
      ? `products on the library (no generated code: ${native.reason})`
      : native.avx512
      ? "products in generated AVX-512 code"
      : "products of a few rows in generated AVX2/FMA code";
    status = {
      active: true,
      library: loaded.library,
      kernel: `${loaded.kernel}; ${rows}`,
      reason: null,
    };
  }
  return status;
}

/**
 * The backend's status in this thread. Before any {@linkcode useBlas} call, the environment
 * variable `KERNO_BLAS` (read when the env permission is granted) selects it: `1`/`true` finds a
 * library, a path names one, `0`/`false`/empty leaves it off.
 */
export function blasStatus(): BlasStatus {
  if (!envRead) applyEnvironment();
  return status;
}

/**
 * Runs `fn` with the backend `request` selects (nothing changes when it is `undefined`), then
 * restores the previous selection.
 */
export function withBlas<T>(request: BlasRequest | undefined, fn: () => T): T {
  if (request === undefined) return fn();
  blasStatus();
  const before = { active, status, quiet };
  useBlas(request, { quiet });
  try {
    return fn();
  } finally {
    ({ active, status, quiet } = before);
  }
}

/** The value of `KERNO_BLAS` as a request: `undefined` when unset or unreadable. */
export function blasRequestFromEnv(): BlasRequest | undefined {
  if (typeof Deno === "undefined") return undefined;
  let value: string | undefined;
  try {
    if (Deno.permissions.querySync({ name: "env", variable: "KERNO_BLAS" }).state !== "granted") {
      return undefined;
    }
    value = Deno.env.get("KERNO_BLAS");
  } catch {
    return undefined;
  }
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === "" || v === "0" || v === "false" || v === "off") return false;
  if (v === "1" || v === "true" || v === "on") return true;
  return value.trim();
}

function applyEnvironment(): void {
  envRead = true;
  const request = blasRequestFromEnv();
  if (request !== undefined && request !== false) useBlas(request);
}

function warnOnce(line: string): void {
  if (quiet || warned.has(line)) return;
  warned.add(line);
  console.warn(line);
}

/**
 * Internal: whether products of `k×n` shape with the weights `b` would run on the BLAS backend
 * now (it is active and the shape is row-independent on its library; probed on first use).
 */
export function blasTakes(k: number, n: number, b: F32, bOffset: number, ldb: number): boolean {
  if (!envRead) applyEnvironment();
  const blas = active;
  return blas !== null &&
    (k === 0 || n === 0 || !("refused" in ruleFor(blas, k, n, b, bOffset, ldb)));
}

/** Internal: whether the BLAS backend is selected in this thread (no probing). */
export function blasSelected(): boolean {
  if (!envRead) applyEnvironment();
  return active !== null;
}

/**
 * Internal: `C[m×n] = A[m×k]·B[k×n] (+ C when beta is 1)` on the BLAS backend, row-major. Returns
 * false, doing nothing, when the backend is off or this shape is not row-independent on the
 * library in use (the caller then runs its own kernel). Products below the shape's row minimum
 * are padded in scratch memory, so a row's result never depends on the rows beside it.
 */
export function blasProduct(
  m: number,
  n: number,
  k: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: F32,
  bOffset: number,
  ldb: number,
  c: F32,
  cOffset: number,
  ldc: number,
  beta: 0 | 1,
): boolean {
  if (!envRead) applyEnvironment();
  const blas = active;
  if (blas === null) return false;
  if (m === 0 || n === 0) return true;
  const rule = ruleFor(blas, k, n, b, bOffset, ldb);
  if ("refused" in rule) return false;
  if (m >= rule.minRows) {
    // deno-fmt-ignore
    sgemmRows(blas.sgemm, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, beta);
    return true;
  }
  // deno-fmt-ignore
  paddedProduct(blas, rule.minRows, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, beta);
  return true;
}

/** Generated products per weight matrix: for which library and version they were made. */
const nativeKernels = new WeakMap<
  object,
  { blas: LoadedBlas; version: number; kernels: NativeKernels | null }
>();

/**
 * Internal: generated products for the weights `b` (`k×n`, row `p` at `b[bOffset + p·ldb]`) on
 * the library in use, bit-identical to its `sgemm` rows; `null` when the backend is off, the
 * shape stays on the WebAssembly core, or no such code can be made here. Made and checked once
 * per `owner` (the weight matrix) and `version` (its values' version); `b` must keep those values
 * while that version lasts.
 */
export function blasNativeKernels(
  owner: object,
  version: number,
  k: number,
  n: number,
  b: F32,
  bOffset: number,
  ldb: number,
): NativeKernels | null {
  const blas = active;
  if (blas === null || k === 0 || n === 0) return null;
  const known = nativeKernels.get(owner);
  if (known !== undefined && known.blas === blas && known.version === version) {
    return known.kernels;
  }
  const rule = ruleFor(blas, k, n, b, bOffset, ldb);
  const made = "refused" in rule
    ? null
    : probeNativeKernels(blas.sgemm, k, n, b, bOffset, ldb, rule.minRows);
  const kernels = made instanceof NativeKernels ? made : null;
  nativeKernels.set(owner, { blas, version, kernels });
  return kernels;
}

function ruleFor(blas: LoadedBlas, k: number, n: number, b: F32, bOff: number, ldb: number) {
  let byShape = rules.get(blas);
  if (byShape === undefined) rules.set(blas, byShape = new Map());
  const key = k * 2 ** 24 + n;
  let rule = byShape.get(key);
  if (rule === undefined) {
    rule = k === 0 ? { minRows: 1 } : probeRows(blas.sgemm, k, n, b, bOff, ldb);
    byShape.set(key, rule);
    if ("refused" in rule && rule.small !== true) {
      warnOnce(`kerno: BLAS: ${rule.refused} (${blas.kernel}); it runs on the WebAssembly core`);
    }
  }
  return rule;
}

let scratchA = new Float32Array(0);
let scratchC = new Float32Array(0);

function paddedProduct(
  blas: LoadedBlas,
  rows: number,
  m: number,
  n: number,
  k: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: F32,
  bOffset: number,
  ldb: number,
  c: F32,
  cOffset: number,
  ldc: number,
  beta: 0 | 1,
): void {
  if (scratchA.length < rows * k) scratchA = new Float32Array(rows * k);
  if (scratchC.length < rows * n) scratchC = new Float32Array(rows * n);
  const sa = scratchA, sc = scratchC;
  for (let i = 0; i < m; i++) {
    for (let p = 0, from = aOffset + i * lda; p < k; p++) sa[i * k + p] = a[from + p];
    if (beta === 1) {
      for (let j = 0, from = cOffset + i * ldc; j < n; j++) sc[i * n + j] = c[from + j];
    }
  }
  if (beta === 1) sc.fill(0, m * n, rows * n); // padding rows: kept finite
  sgemmRows(blas.sgemm, rows, n, k, sa, 0, k, b, bOffset, ldb, sc, 0, n, beta);
  for (let i = 0; i < m; i++) {
    for (let j = 0, to = cOffset + i * ldc; j < n; j++) c[to + j] = sc[i * n + j];
  }
}

/**
 * A zero-filled `Float32Array` of `length`, for a large result that is about to be written. On
 * Linux with the FFI permission, the pages of an array of 64 KiB or more are mapped in by one
 * system call (`madvise(MADV_POPULATE_WRITE)`) rather than one page fault per 4 KiB at its first
 * writes (page faults are dear on some virtual machines: W3's 26 MB sequence on one thread,
 * core backend, 115–250 ms a call in benchmark runs with the faults); with the BLAS backend
 * active in this thread, one of 4 MiB or more whose memory is fresh is also put on transparent
 * huge pages. Otherwise it is `new Float32Array(length)`.
 *
 * @example
 * ```ts
 * import { resultArray } from "@kerno/tensor";
 * resultArray(3); // Float32Array(3) [0, 0, 0]
 * ```
 */
export function resultArray(length: number): Float32Array {
  return freshFloat32Array(length, blasSelected());
}
