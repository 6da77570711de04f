/**
 * Row independence on the BLAS backend. Kerno's pool is bit-identical to one thread because a
 * row's result never depends on how many rows share its product or where it sits among them.
 * A native sgemm keeps that only in part: OpenBLAS's SkylakeX/Cooperlake kernels do, except on
 * their small-matrix path (taken when M·N·K ≤ 1e6, which sums K differently for some shapes);
 * older kernels (Haswell) round rows differently by M. So each k×n shape is probed once, on the
 * library in use, with its own weights:
 *
 * - rows identical for every M probed: products of that shape are called as they come;
 * - rows differ only below some M (a small-matrix path): smaller products are padded to that
 *   many rows in scratch memory, so they take the same path as large ones;
 * - anything else: that shape is not row-independent here and stays on the WebAssembly core.
 *
 * @module
 */
import type { Sgemm } from "./_blas_ffi.ts";
import { sgemmRows } from "./_blas_call.ts";
import type { F32 } from "./tensor.ts";

/** How products of one k×n shape are called: padded to `minRows`, or not on BLAS at all. */
export type RowRule =
  | { readonly minRows: number }
  | { readonly refused: string; readonly small?: true };

/** OpenBLAS's bound for its small-matrix path: M·N·K at most this. */
const SMALL_PATH_MNK = 1e6;
/** The largest reference product of the probe, in rows. */
const MAX_REFERENCE_ROWS = 2048;

/**
 * Probes `sgemm` on `k×n` products with the weights `b` (row `p` at `b[bOffset + p·ldb]`) and
 * random left-hand rows: compares every row of products of many sizes, starting one row in,
 * with the same row of one large product.
 */
export function probeRows(
  sgemm: Sgemm,
  k: number,
  n: number,
  b: F32,
  bOffset: number,
  ldb: number,
): RowRule {
  const small = Math.floor(SMALL_PATH_MNK / (k * n));
  const reference = Math.max(512, small + 16);
  if (reference > MAX_REFERENCE_ROWS) {
    return {
      refused: `${k}×${n} is too small a product for BLAS to be row-independent`,
      small: true,
    };
  }
  const a = new Float32Array((reference + 1) * k);
  let seed = 0x9e3779b9;
  for (let i = 0; i < a.length; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    a[i] = seed / 2 ** 31 - 1;
  }
  const want = new Float32Array(reference * n);
  sgemmRows(sgemm, reference, n, k, a, 0, k, b, bOffset, ldb, want, 0, n, 0);
  const got = new Float32Array(reference * n);
  /** Whether `rows` rows from row `start`, padded to `pad` rows, match the reference rows. */
  const same = (rows: number, start: number, pad: number): boolean => {
    const a0 = start === 0 ? a : a.slice(start * k, (start + pad) * k);
    sgemmRows(sgemm, pad, n, k, a0, 0, k, b, bOffset, ldb, got, 0, n, 0);
    for (let i = 0; i < rows * n; i++) if (got[i] !== want[start * n + i]) return false;
    return true;
  };
  const sizes = probeSizes(small, reference);
  let worst = 0;
  for (const rows of sizes) {
    if (!same(rows, 1, rows)) worst = Math.max(worst, rows);
  }
  if (worst === 0) return { minRows: 1 };
  const minRows = worst + 1;
  const padded = sizes.filter((r) => r < minRows).every((r) => same(r, 1, minRows));
  if (minRows >= reference - 1 || !padded) {
    return {
      refused: `rows of a ${k}×${n} product depend on the number of rows with this BLAS kernel`,
    };
  }
  return { minRows };
}

/**
 * Row counts to probe: 1 to 8, then sparser up to the reference (register-tile and cache-block
 * edges, BLIS's skinny-matrix bounds), and around OpenBLAS's small-matrix bound.
 */
function probeSizes(small: number, reference: number): number[] {
  const sizes = new Set<number>();
  for (let r = 1; r <= 8; r++) sizes.add(r);
  for (const r of [12, 16, 31, 33, 64, 127, 191, 257, 383]) sizes.add(r);
  for (let r = small - 1; r <= small + 2; r++) sizes.add(r);
  sizes.add(reference - 1);
  return [...sizes].filter((r) => r >= 1 && r < reference).sort((x, y) => x - y);
}
