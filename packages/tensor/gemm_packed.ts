import type { F32 } from "./tensor.ts";
import { checkDim, checkMatrix } from "./_gemm_check.ts";
import { packA } from "./_gemm_pack.ts";
import { kernel4x4 } from "./_gemm_kernels.ts";
import { kernelRow12, kernelRow4 } from "./_gemm_packed_kernels.ts";
import { scaleOnly, store } from "./_gemm_store.ts";

/** Rows of A packed per block (multiple of 4). */
const MC = 64;
/** Steps of k summed in double precision before a float32 store: the same blocks as `gemm`. */
const KC = 256;

const apack = new Float64Array(MC * KC);
const tile = new Float64Array(16);

/**
 * The right-hand operand of {@linkcode gemmPacked}: a `rows × cols` (k×n) matrix copied once
 * into the layout the product reads fastest: 4-column panels over the whole of k, each row of
 * a panel contiguous. It is a snapshot: later writes to the source array are not seen. Build one with
 * {@linkcode packMatrix}.
 */
export class PackedMatrix {
  /** k: the rows of the packed matrix (the inner dimension of the product). */
  readonly rows: number;
  /** n: its columns (the columns of the product). */
  readonly cols: number;
  /**
   * The packed values: column `j` of row `p` sits at `(j >> 2)·4·rows + 4p + (j & 3)`;
   * the last panel is zero-padded to 4 columns.
   */
  readonly data: Float32Array;

  /** An all-zero packed matrix of `rows × cols` (fill it with {@linkcode packMatrix}'s `into`). */
  constructor(rows: number, cols: number) {
    checkDim("rows", rows, "PackedMatrix");
    checkDim("cols", cols, "PackedMatrix");
    this.rows = rows;
    this.cols = cols;
    this.data = new Float32Array(Math.ceil(cols / 4) * 4 * rows);
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
 * rows left over, and a batch of 1 to 3 rows, are read in place one at a time, 12 columns at a
 * time.
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
  const bp = b.data;
  const t = tile;
  const m4 = m - (m % 4);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    const first = pc === 0;
    for (let ic = 0; ic < m4; ic += MC) {
      const mc = Math.min(MC, m4 - ic);
      packA(apack, a, aOffset, lda, 1, ic, mc, pc, kc);
      for (let jr = 0; jr < n; jr += 4) {
        const nr = Math.min(4, n - jr);
        const bi = jr * k + 4 * pc;
        const ci = cOffset + ic * ldc + jr;
        const bo = biasOffset + jr;
        for (let ir = 0; ir < mc; ir += 4) {
          kernel4x4(kc, apack, ir * kc, bp, bi, 4, t);
          store(t, 4, 4, nr, c, ci + ir * ldc, ldc, first, alpha, beta, bias, bo);
        }
      }
    }
    for (let i = m4; i < m; i++) {
      const ai = aOffset + i * lda + pc;
      const ci = cOffset + i * ldc;
      let jr = 0;
      for (; jr + 12 <= n; jr += 12) {
        kernelRow12(kc, a, ai, bp, jr * k + 4 * pc, 4 * k, t);
        store(t, 12, 1, 12, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jr);
      }
      for (; jr < n; jr += 4) {
        kernelRow4(kc, a, ai, bp, jr * k + 4 * pc, t);
        const nr = Math.min(4, n - jr);
        store(t, 4, 1, nr, c, ci + jr, ldc, first, alpha, beta, bias, biasOffset + jr);
      }
    }
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
