import type { F32 } from "./tensor.ts";
import { checkDim, checkMatrix } from "./_gemm_check.ts";
import { jsProduct } from "./_gemm_packed_js.ts";
import { heapOffset, PackedMatrix } from "./_gemm_packed_matrix.ts";
import { scaleOnly } from "./_gemm_store.ts";
import { activeWasm } from "./_gemm_wasm.ts";
import { wasmBlock } from "./_gemm_wasm_block.ts";

/** Steps of k summed in double precision before a float32 store: the same blocks as `gemm`. */
const KC = 256;

export { PackedMatrix, packMatrix } from "./_gemm_packed_matrix.ts";

/**
 * Matrix product with a packed right-hand side, row-major on float32 arrays:
 * `C[m×n] = alpha·A·B + beta·C (+ bias[n] added to every row)`, where `A` is the `m×k` matrix
 * at `a[aOffset + i·lda + p]` and `B` the `k×n` {@linkcode PackedMatrix}.
 *
 * It does exactly what {@linkcode gemm} does with the unpacked B, operation for operation:
 * each element of C is summed in double precision over blocks of 256 steps of k, in order, and
 * folded into C in float32 after each block. So the result has the same bits as `gemm`'s, and
 * a row's result never depends on the other rows of the call. With `beta = 0`, C is only
 * written. C must not overlap A or bias.
 *
 * Rows go four at a time through a 4×4 register tile (A packed in blocks of 64 rows); the
 * rows left over, and a batch of 1 to 3 rows, one at a time through a row kernel. The kernels
 * run as WebAssembly SIMD (two float64 lanes: the same operations, so the same bits) where it
 * is available, else in JavaScript.
 *
 * Throws a `RangeError` when `m` is negative or fractional, a leading dimension is smaller
 * than its row, or an array is too short for the matrix it should hold.
 *
 * @example x·W + b for a batch of 2, with W packed once
 * ```ts
 * import { gemmPacked, packMatrix } from "@kerno/tensor";
 * const w = packMatrix(new Float32Array([1, 0, 0, 1, 1, 1]), 0, 2, 3, 2); // 3×2
 * const x = new Float32Array([1, 2, 3, 4, 5, 6]); // 2×3
 * const y = new Float32Array(4);
 * gemmPacked(2, x, 0, 3, w, y, 0, 2, 1, 0, new Float32Array([10, 20]));
 * // y = [14, 25, 20, 31]
 * ```
 */
export function gemmPacked(
  m: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: PackedMatrix,
  c: F32,
  cOffset: number,
  ldc: number,
  alpha = 1,
  beta = 0,
  bias?: F32,
  biasOffset = 0,
): void {
  checkPackedArgs(m, a, aOffset, lda, b, c, cOffset, ldc, bias, biasOffset);
  const k = b.rows, n = b.cols;
  if (m === 0 || n === 0) return;
  if (k === 0) return scaleOnly(m, n, c, cOffset, ldc, beta, bias, biasOffset);
  const wasm = activeWasm();
  const bOff = heapOffset(b);
  if (wasm !== null && bOff >= 0) {
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // deno-fmt-ignore
      wasmBlock(wasm, bOff + 16 * pc, 16 * k, m, kc, n, a, aOffset, lda, 1, pc, c, cOffset, ldc, pc === 0, alpha, beta, bias, biasOffset);
    }
  } else {
    // deno-fmt-ignore
    jsProduct(m, k, n, a, aOffset, lda, b.data, c, cOffset, ldc, alpha, beta, bias, biasOffset);
  }
}

function checkPackedArgs(
  m: number,
  a: F32,
  aOffset: number,
  lda: number,
  b: PackedMatrix,
  c: F32,
  cOffset: number,
  ldc: number,
  bias: F32 | undefined,
  biasOffset: number,
): void {
  const fn = "gemmPacked";
  checkDim("m", m, fn);
  if (!(b instanceof PackedMatrix)) {
    throw new TypeError(`${fn}: B must be a PackedMatrix (from packMatrix), received ${typeof b}`);
  }
  const k = b.rows, n = b.cols;
  checkMatrix(fn, "A (m×k)", a, aOffset, lda, m, k, "lda");
  checkMatrix(fn, "C (m×n)", c, cOffset, ldc, m, n, "ldc");
  if (bias === undefined) return;
  if (!(bias instanceof Float32Array)) {
    throw new TypeError(`${fn}: bias must be a Float32Array, received ${typeof bias}`);
  }
  if (!Number.isInteger(biasOffset) || biasOffset < 0 || biasOffset + n > bias.length) {
    throw new RangeError(
      `${fn}: bias needs n=${n} values from offset ${biasOffset}, but the array has ${bias.length} elements`,
    );
  }
}
