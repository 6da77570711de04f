/**
 * The float32 matrix product of the WebAssembly compute core, written as a WebAssembly
 * function by {@linkcode sgemmFunction}.
 *
 * `sgemm(m, panels, k, a, lda, b, bs, c, ldc, mode, bias)` (every address and stride in bytes)
 * computes, for `m` rows of A (float32, row `i` at `a + i·lda`) and `panels` 4-column panels of
 * a {@linkcode PackedMatrix} (panel `q` at `b + q·bs`, row `p` of a panel at `+ 16p`), the
 * `m × 4·panels` block of C at `c` (row stride `ldc`):
 *
 * - `mode` 0: `C = A·B`; 1: `C = C + A·B`; 2: `C = bias + A·B` (bias: `4·panels` floats).
 *
 * Each element starts from its initial value (0, C or bias) and adds the products
 * `a[i][p]·b[p][j]` one at a time in order of `p`. With {@linkcode Arithmetic} `"separate"`
 * each product and each sum is rounded to float32 (plain multiply then add, so the bits are the
 * same on every CPU); with `"fused"` each step is one `relaxed_madd` (a single rounding where
 * the CPU has FMA). Every tile shape does exactly these operations per element, so a row's
 * result never depends on the other rows of the call or on `m`. {@linkcode sgemmReference} is
 * the plain JavaScript statement of the same arithmetic, and the tests hold the kernel to it
 * bit for bit.
 *
 * Tiles are `MR` rows × `4·P` columns (register-blocked: MR·P accumulators, A values
 * broadcast with `load32_splat`), four steps of k per loop turn (eight for a single row); rows
 * left over go one at a time, panels left over one at a time.
 *
 * @module
 */
import { op, type WasmFunction } from "./_gemm_wasm_asm.ts";
import { WasmFn } from "./_wasm_fn.ts";
import { type Arithmetic, emitMulAdd } from "./_vector_activations_wasm.ts";

/**
 * The tiles the product uses, by arithmetic: rows × 4-column panels, and the panels of a row
 * left over (measured on the step shapes). Fused, a term is one `relaxed_madd` into its sum,
 * and 6 × 8 (12 sums, 2 vectors of B, 1 of A: the 15 registers V8 allocates) beat 4 × 8 by
 * 5–10% (AMD EPYC, one vCPU, alternating processes: 51.8–54.3 GFLOP/s against 47.0–48.4 on
 * W3's 128×64·64×256, 51.4–53.0 against 45.3–48.8 on W5's step; W1's 512×128·128×512 level).
 * Separate, a term also needs a register for its product: 6 × 8 spills and falls to 26–28.
 */
export const SGEMM_TILES = {
  fused: { rows: 6, panels: 2, rowPanels: 8 },
  separate: { rows: 4, panels: 2, rowPanels: 8 },
} as const;

/**
 * Emits the tile `rows × 4·panels` at row pointer `i` (rows `i·lda` from `a`), panel `j`.
 * Locals are taken from `ctx`.
 */
function emitTile(
  f: WasmFn,
  ctx: TileLocals,
  arith: Arithmetic,
  rows: number,
  panels: number,
): void {
  const { k, a, lda, b, bs, c, ldc, mode, bias, i, j } = ctx.params;
  const ap = ctx.ap.slice(0, rows), bp = ctx.bp.slice(0, panels);
  const acc = ctx.acc.slice(0, rows).map((r) => r.slice(0, panels));
  const { bv, av, kk, cp } = ctx;
  // Row pointers of A, panel pointers of B, and C's tile corner.
  ap.forEach((p, r) => {
    f.emit(op.get(a), op.get(i), op.i32(r), op.add, op.get(lda), op.mul, op.add, op.set(p));
  });
  bp.forEach((p, q) => {
    f.emit(op.get(b), op.get(j), op.i32(q), op.add, op.get(bs), op.mul, op.add, op.set(p));
  });
  f.emit(op.get(c), op.get(i), op.get(ldc), op.mul, op.add, op.get(j), op.i32(4), op.shl, op.add);
  f.emit(op.set(cp));
  // Initial values.
  f.ifElse([...op.get(mode), ...op.i32(1), ...op.eq], () => {
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < panels; q++) {
        f.emit(op.get(cp), op.get(ldc), op.i32(r), op.mul, op.add, op.load(16 * q));
        f.emit(op.set(acc[r][q]));
      }
    }
  }, () => {
    f.ifElse([...op.get(mode), ...op.i32(2), ...op.eq], () => {
      for (let q = 0; q < panels; q++) {
        f.emit(op.get(bias), op.get(j), op.i32(4), op.shl, op.add, op.load(16 * q));
        f.emit(op.set(acc[0][q]));
        for (let r = 1; r < rows; r++) f.emit(op.get(acc[0][q]), op.set(acc[r][q]));
      }
    }, () => {
      for (const row of acc) for (const x of row) f.emit(op.zero, op.set(x));
    });
  });
  // A single row uses each B vector once: it is loaded where it is used, so that the wide
  // single-row tiles keep their sums in registers.
  const inline = rows === 1;
  const step = (u: number) => {
    if (!inline) bp.forEach((p, q) => f.emit(op.get(p), op.load(16 * u), op.set(bv[q])));
    ap.forEach((p, r) => {
      f.emit(op.get(p), op.load32Splat(4 * u), op.set(av));
      for (let q = 0; q < panels; q++) {
        const b = inline ? [...op.get(bp[q]), ...op.load(16 * u)] : op.get(bv[q]);
        emitMulAdd(f, arith, op.get(av), b, op.get(acc[r][q]));
        f.emit(op.set(acc[r][q]));
      }
    });
  };
  f.emit(op.get(k), op.set(kk));
  // Eight steps of k per turn for a single row (W4's 1×128·128×512 product: 3.3 vs 3.5 µs,
  // LSTM(128) on one sequence of 50 steps: 238 vs 250 µs); four for the others.
  const unroll = inline ? 8 : 4;
  f.loopWhile([...op.get(kk), ...op.i32(unroll), ...op.geS], () => {
    for (let u = 0; u < unroll; u++) step(u);
    for (const p of ap) f.bump(p, 4 * unroll);
    for (const p of bp) f.bump(p, 16 * unroll);
    f.bump(kk, -unroll);
  });
  f.loopWhile(op.get(kk), () => {
    step(0);
    for (const p of ap) f.bump(p, 4);
    for (const p of bp) f.bump(p, 16);
    f.bump(kk, -1);
  });
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < panels; q++) {
      f.emit(op.get(cp), op.get(ldc), op.i32(r), op.mul, op.add, op.get(acc[r][q]));
      f.emit(op.store(16 * q));
    }
  }
}

interface TileLocals {
  params: Record<
    "m" | "panels" | "k" | "a" | "lda" | "b" | "bs" | "c" | "ldc" | "mode" | "bias" | "i" | "j",
    number
  >;
  ap: number[];
  bp: number[];
  acc: number[][];
  bv: number[];
  av: number;
  kk: number;
  cp: number;
}

/**
 * The `sgemm` function with tiles of `rows × 4·panels`, and `1 × 4·rowPanels` for the rows
 * left over (see the module doc); `name` is its export name.
 */
export function sgemmFunction(
  name = "sgemm",
  arith: Arithmetic = "separate",
  rows: number = SGEMM_TILES[arith].rows,
  panels: number = SGEMM_TILES[arith].panels,
  rowPanels: number = SGEMM_TILES[arith].rowPanels,
): WasmFunction {
  const f = new WasmFn(name, 11);
  const [m, np, k, a, lda, b, bs, c, ldc, mode, bias] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const i = f.i32(), j = f.i32();
  const ctx: TileLocals = {
    params: { m, panels: np, k, a, lda, b, bs, c, ldc, mode, bias, i, j },
    ap: Array.from({ length: rows }, () => f.i32()),
    bp: Array.from({ length: Math.max(panels, rowPanels) }, () => f.i32()),
    acc: Array.from(
      { length: rows },
      (_, r) =>
        Array.from({ length: r === 0 ? Math.max(panels, rowPanels) : panels }, () => f.v128()),
    ),
    bv: Array.from({ length: Math.max(panels, rowPanels) }, () => f.v128()),
    av: f.v128(),
    kk: f.i32(),
    cp: f.i32(),
  };
  // Whole tiles of `rows` rows: panel groups of `panels`, then single panels.
  f.setConst(j, 0);
  for (const group of panels > 1 ? [panels, 1] : [1]) {
    f.loopWhile([...op.get(np), ...op.get(j), ...op.sub, ...op.i32(group), ...op.geS], () => {
      f.setConst(i, 0);
      f.loopWhile([...op.get(m), ...op.get(i), ...op.sub, ...op.i32(rows), ...op.geS], () => {
        emitTile(f, ctx, arith, rows, group);
        f.bump(i, rows);
      });
      f.bump(j, group);
    });
  }
  // The rows left over (all of them when m < rows), one at a time over wider panel groups:
  // a single row needs more independent sums to keep the adders busy.
  f.emit(op.get(m), op.get(m), op.i32(rows), op.remU, op.sub, op.set(i));
  f.loopWhile([...op.get(i), ...op.get(m), ...op.ltS], () => {
    f.setConst(j, 0);
    for (const group of [rowPanels, 1]) {
      f.loopWhile([...op.get(np), ...op.get(j), ...op.sub, ...op.i32(group), ...op.geS], () => {
        emitTile(f, ctx, arith, 1, group);
        f.bump(j, group);
      });
    }
    f.bump(i, 1);
  });
  return f.build();
}

/**
 * `a·b + c` rounded once to float32 (what a fused multiply-add computes), for float32 `a`, `b`
 * and `c`. The product is exact in a double; the double sum is rounded again to float32, which
 * is the single rounding except when the sum landed exactly halfway between two floats: then
 * the sum's rounding error decides the side.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b, s = p + c;
  const r = Math.fround(s);
  if (r === s || !Number.isFinite(s)) return r;
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return r;
  const other = nextFloat32(r, s > r ? 1 : -1);
  if ((r + other) / 2 !== s) return r;
  return (err > 0) === (other > r) ? other : r;
}

const bits = new Float32Array(1);
const bitsInt = new Int32Array(bits.buffer);

/** The float32 next to finite `x`, up (`dir` 1) or down (−1). */
function nextFloat32(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * 1.401298464324817e-45;
  bits[0] = x;
  bitsInt[0] += (x > 0) === (dir > 0) ? 1 : -1;
  return bits[0];
}

/**
 * The arithmetic of `sgemm` in plain JavaScript, on a row-major `k × n` B (not packed): the
 * test oracle. `init` is 0 (zeros), 1 (C) or 2 (`bias[j]`); `fused` states each step as one
 * fused multiply-add ({@linkcode fmaF32}) instead of a rounded product then a rounded sum.
 */
export function sgemmReference(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOffset: number,
  lda: number,
  b: Float32Array,
  bOffset: number,
  ldb: number,
  c: Float32Array,
  cOffset: number,
  ldc: number,
  init: 0 | 1 | 2,
  bias?: Float32Array,
  biasOffset = 0,
  fused = false,
): void {
  const fround = Math.fround;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const ci = cOffset + i * ldc + j;
      let s = init === 1 ? c[ci] : init === 2 ? bias![biasOffset + j] : 0;
      for (let p = 0; p < k; p++) {
        const x = a[aOffset + i * lda + p], y = b[bOffset + p * ldb + j];
        s = fused ? fmaF32(x, y, s) : fround(s + fround(x * y));
      }
      c[ci] = s;
    }
  }
}
