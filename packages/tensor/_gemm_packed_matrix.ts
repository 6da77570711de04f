/**
 * {@linkcode PackedMatrix} and {@linkcode packMatrix}: the right-hand operand of `gemmPacked`,
 * packed once. The panels live in the WebAssembly memory of `_gemm_wasm_heap.ts` when there is
 * one (so the SIMD kernels read them in place), else in a plain `Float32Array`.
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { checkDim, checkMatrix } from "./_gemm_check.ts";
import { f32View, heapAlloc, heapFree } from "./_gemm_wasm_heap.ts";

/** Frees the heap region of a collected matrix. */
const registry: FinalizationRegistry<[number, number]> | null =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry(([start, bytes]) => heapFree(start, bytes))
    : null;

/** Byte offset of each heap-backed matrix's panels in the WebAssembly memory. */
const offsets = new WeakMap<PackedMatrix, number>();

/** How many times each matrix has been (re)packed: lets a copy of its values know it is stale. */
const generations = new WeakMap<PackedMatrix, number>();

/** The number of times `m` has been filled by {@linkcode packMatrix} (0 for a fresh one). */
export function packGeneration(m: PackedMatrix): number {
  return generations.get(m) ?? 0;
}

/** Byte offset of `m`'s panels in the WebAssembly memory, or -1 when they are not there. */
export function heapOffset(m: PackedMatrix): number {
  return offsets.get(m) ?? -1;
}

/**
 * The right-hand operand of {@linkcode gemmPacked}: a `rows × cols` (k×n) matrix copied once
 * into the layout the product reads fastest: 4-column panels over the whole of k, each row of
 * a panel contiguous. It is a snapshot: later writes to the source array are not seen. Build
 * one with {@linkcode packMatrix}.
 */
export class PackedMatrix {
  /** k: the rows of the packed matrix (the inner dimension of the product). */
  readonly rows: number;
  /** n: its columns (the columns of the product). */
  readonly cols: number;
  /** Number of floats in {@linkcode PackedMatrix.data}. */
  readonly #length: number;
  /** The panels when they are not in the WebAssembly memory. */
  readonly #own: Float32Array | null = null;
  #view: Float32Array | null = null;

  /** An all-zero packed matrix of `rows × cols` (fill it with {@linkcode packMatrix}'s `into`). */
  constructor(rows: number, cols: number) {
    checkDim("rows", rows, "PackedMatrix");
    checkDim("cols", cols, "PackedMatrix");
    this.rows = rows;
    this.cols = cols;
    const length = Math.ceil(cols / 4) * 4 * rows;
    this.#length = length;
    const start = registry !== null && length > 0 ? heapAlloc(4 * length) : -1;
    if (start < 0) {
      this.#own = new Float32Array(length);
      return;
    }
    offsets.set(this, start);
    registry!.register(this, [start, 4 * length]);
    f32View().fill(0, start / 4, start / 4 + length);
  }

  /**
   * The packed values: column `j` of row `p` sits at `(j >> 2)·4·rows + 4p + (j & 3)`; the
   * last panel is zero-padded to 4 columns. A view: take it again after packing other matrices.
   */
  get data(): Float32Array {
    if (this.#own !== null) return this.#own;
    const f32 = f32View();
    if (this.#view === null || this.#view.buffer !== f32.buffer) {
      const start = heapOffset(this) / 4;
      this.#view = f32.subarray(start, start + this.#length);
    }
    return this.#view;
  }
}

/**
 * Packs `op(B)` (`k×n`; with `transB` the transpose of the stored `n×k` matrix) for repeated
 * products with {@linkcode gemmPacked}: pack a weight matrix once per call, multiply by it at
 * every timestep. Element `(p, j)` of op(B) is read at `b[bOffset + p·ldb + j]`, or
 * `b[bOffset + j·ldb + p]` with `transB`.
 *
 * `into`, when given with the same `k × n` shape, is overwritten and returned instead of a new
 * matrix (it saves allocating and zeroing a large buffer at every call).
 *
 * Throws a `RangeError` when a dimension is negative or fractional, `ldb` is smaller than a
 * row, or the array is too short for the matrix.
 *
 * @example The last two columns of a 2×3 matrix
 * ```ts
 * import { packMatrix } from "@kerno/tensor";
 * const b = new Float32Array([1, 2, 3, 4, 5, 6]);
 * const p = packMatrix(b, 1, 3, 2, 2); // [[2, 3], [5, 6]]
 * // p.rows === 2, p.cols === 2
 * packMatrix(b.map((v) => 2 * v), 1, 3, 2, 2, false, p); // same storage, new values
 * ```
 */
export function packMatrix(
  b: F32,
  bOffset: number,
  ldb: number,
  k: number,
  n: number,
  transB = false,
  into?: PackedMatrix,
): PackedMatrix {
  checkDim("k", k, "packMatrix");
  checkDim("n", n, "packMatrix");
  const what = transB ? "B (n×k, transB)" : "B (k×n)";
  checkMatrix("packMatrix", what, b, bOffset, ldb, transB ? n : k, transB ? k : n, "ldb");
  const out = into instanceof PackedMatrix && into.rows === k && into.cols === n
    ? into
    : new PackedMatrix(k, n);
  generations.set(out, packGeneration(out) + 1);
  const d = out.data;
  const rs = transB ? 1 : ldb, cs = transB ? ldb : 1;
  const nFull = n - (n % 4);
  let dst = 0;
  for (let j0 = 0; j0 < nFull; j0 += 4) {
    for (let p = 0, src = bOffset + j0 * cs; p < k; p++, dst += 4, src += rs) {
      d[dst] = b[src];
      d[dst + 1] = b[src + cs];
      d[dst + 2] = b[src + 2 * cs];
      d[dst + 3] = b[src + 3 * cs];
    }
  }
  if (nFull < n) {
    for (let p = 0, src = bOffset + nFull * cs; p < k; p++, dst += 4, src += rs) {
      for (let q = 0; q < 4; q++) d[dst + q] = nFull + q < n ? b[src + q * cs] : 0;
    }
  }
  return out;
}
