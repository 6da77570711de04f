/**
 * The BLAS backend inside the compute core's product (`sgemmCore`): the same views of the
 * core's memory go to `cblas_sgemm` instead of the WebAssembly kernels, with the weights as
 * plain row-major values unpacked once per packing of the matrix. Gate math is untouched.
 * Also {@linkcode gemmOnBlas}, the same for a plain row-major B (Dense).
 *
 * @module
 */
import type { F32 } from "./tensor.ts";
import { blasNativeKernels, blasProduct, blasSelected, blasTakes } from "./blas.ts";
import { NativeGemm } from "./_native_gemm.ts";
import { type PackedMatrix, packGeneration } from "./_gemm_packed_matrix.ts";

interface Plain {
  generation: number;
  values: Float32Array;
}

/** Row-major copies of packed weights, valid while the matrix is not packed again. */
const plainCopies = new WeakMap<PackedMatrix, Plain>();

/** `b`'s values as a row-major `k×n` array, unpacked from its panels when they changed. */
function plainValues(b: PackedMatrix): Float32Array {
  const generation = packGeneration(b);
  const k = b.rows, n = b.cols;
  let plain = plainCopies.get(b);
  if (plain !== undefined && plain.generation === generation) return plain.values;
  const values = plain?.values ?? new Float32Array(k * n);
  const d = b.data;
  for (let j0 = 0; j0 < n; j0 += 4) {
    const panel = j0 * k, width = Math.min(4, n - j0);
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < width; q++) values[p * n + j0 + q] = d[panel + 4 * p + q];
    }
  }
  plain = { generation, values };
  plainCopies.set(b, plain);
  return values;
}

/**
 * `C[m×n] = start + A·B` on the BLAS backend, `start` being 0 (mode 0), C (1) or the bias row
 * (2). Returns false, with C untouched, when BLAS is not selected or refuses this shape: the
 * caller then runs the WebAssembly kernels.
 */
export function blasCoreProduct(
  m: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: PackedMatrix,
  c: F32,
  cOffset: number,
  ldc: number,
  mode: number,
  bias: F32 | undefined,
  biasOffset: number,
): boolean {
  if (!blasSelected()) return false;
  const k = b.rows, n = b.cols;
  const values = plainValues(b);
  if (!blasTakes(k, n, values, 0, n)) return false;
  const native = blasNativeKernels(b, packGeneration(b), k, n, values, 0, n)?.product(m) ?? null;
  if (native instanceof NativeGemm) {
    const start = mode === 0 ? "zero" : mode === 1 ? "accumulate" : "bias";
    native.runFrom(start, m, a, aOffset, lda, c, cOffset, ldc, bias, biasOffset);
    return true;
  }
  if (mode === 2) fillRows(c, cOffset, ldc, m, bias!.subarray(biasOffset, biasOffset + n));
  if (native !== null) {
    native.run(m, a, aOffset, lda, c, cOffset, ldc, mode !== 0);
    return true;
  }
  return blasProduct(m, n, k, a, aOffset, lda, values, 0, n, c, cOffset, ldc, mode === 0 ? 0 : 1);
}

/**
 * Whether {@linkcode sgemmCore} with B runs on the native BLAS backend now (it is selected in this
 * thread and takes B's shape), in which case A may be any `Float32Array`, not only a view of the
 * compute core's memory: a recurrent layer then projects its input rows where they are.
 */
export function coreProductOnBlas(b: PackedMatrix): boolean {
  return blasSelected() && blasTakes(b.rows, b.cols, plainValues(b), 0, b.cols);
}

/** Copies `row` into each of the `m` rows of C (memory copies: C can be millions of floats). */
function fillRows(c: F32, cOffset: number, ldc: number, m: number, row: F32): void {
  const n = row.length;
  c.set(row, cOffset);
  if (ldc !== n) {
    for (let i = 1; i < m; i++) c.copyWithin(cOffset + i * ldc, cOffset, cOffset + n);
    return;
  }
  // Contiguous rows: double the filled part until all m rows are there.
  for (let done = 1; done < m;) {
    const take = Math.min(done, m - done);
    c.copyWithin(cOffset + done * n, cOffset, cOffset + take * n);
    done += take;
  }
}

/**
 * `C[m×n] = A[m×k]·B[k×n] (+ bias[n] on every row)`, row-major, on the native BLAS backend when
 * it is selected in this thread (`useBlas`) and takes this shape; returns false, with
 * C untouched, otherwise (the caller then runs its own kernel). Dense uses it. B is
 * `b[bOffset + p·ldb + j]`.
 *
 * @example
 * ```ts
 * import { gemm, gemmOnBlas } from "@kerno/tensor";
 * const x = new Float32Array([1, 2]), w = new Float32Array([3, 4]), y = new Float32Array(1);
 * if (!gemmOnBlas(1, 1, 2, x, 0, 2, w, 0, 1, y, 0, 1)) {
 *   gemm(false, false, 1, 1, 2, x, 0, 2, w, 0, 1, y, 0, 1);
 * }
 * // y = [11]
 * ```
 */
export function gemmOnBlas(
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
  bias?: F32,
  biasOffset = 0,
): boolean {
  if (!blasSelected() || !blasTakes(k, n, b, bOffset, ldb)) return false;
  if (bias !== undefined && m > 0) {
    fillRows(c, cOffset, ldc, m, bias.subarray(biasOffset, biasOffset + n));
  }
  const beta = bias === undefined ? 0 : 1;
  return blasProduct(m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc, beta);
}
