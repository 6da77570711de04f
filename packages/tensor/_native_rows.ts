/**
 * One-row products for the BLAS backend in machine code Kerno generates (AVX2 and FMA3, see
 * `_native_exec.ts`): `c = a·B` or `c += a·B` for a row `a`, with B's values copied once into
 * the layout the code reads. A native BLAS is slow on one row (OpenBLAS 0.3.21 repacks B or
 * takes its small-matrix path: 3.4–4 µs on 1×128·128×512, 390 µs on 1×512·512×2048), which is
 * a batch-of-one recurrent step; this code streams B once per row, 8 columns to a register.
 *
 * Each element is the library's sum, bit for bit: the code sums k in order with one fused
 * multiply-add per term, from zero, in the library's k blocks (each block summed from zero
 * and added to C, as OpenBLAS's blocked loop does), and adds C last when accumulating. Which k
 * blocks the library uses is found per weight matrix by trying the partitions its blocking rule
 * can make ({@linkcode kPartitions}) against rows of a large `sgemm`; no match, no native code.
 *
 * @module
 */
import { NativeFunction, nativeSupport } from "./_native_exec.ts";
import { R10, R11, RAX, RDI, RDX, RSI, X86Assembler } from "./_x86_asm.ts";
import { checkOperand, sgemmRows } from "./_blas_call.ts";
import type { Sgemm } from "./_blas_ffi.ts";
import type { F32 } from "./tensor.ts";

/** Accumulator registers per column pass (ymm0–ymm11; ymm15 holds the broadcast of `a[p]`). */
const PASS_REGISTERS = 12;

/** Columns `[first, first + cols)` summed in one pass: in ymm registers, or one per xmm. */
export interface ColumnPass {
  /** First column. */
  readonly first: number;
  /** Columns in the pass. */
  readonly cols: number;
  /** One column a register (the last `n mod 8` columns), not eight. */
  readonly scalar: boolean;
}

/** The column passes of an `n`-column product: 96 columns at most each, then the last `n mod 8`. */
export function columnPasses(n: number): ColumnPass[] {
  const passes: ColumnPass[] = [];
  const vector = n - (n % 8);
  let j = 0;
  while (j < vector) {
    const cols = 8 * Math.min(PASS_REGISTERS, (vector - j) / 8);
    passes.push({ first: j, cols, scalar: false });
    j += cols;
  }
  while (j < n) {
    const cols = Math.min(PASS_REGISTERS, n - j);
    passes.push({ first: j, cols, scalar: true });
    j += cols;
  }
  return passes;
}

/**
 * B (`k×n`, row `p` at `b[bOffset + p·ldb]`) regrouped for the code: each pass's columns, row
 * after row (`k·first + p·cols + q` holds `B[p, first + q]`), so that a pass reads one stream.
 */
export function groupColumns(
  b: F32,
  bOffset: number,
  ldb: number,
  k: number,
  n: number,
): Float32Array {
  const out = new Float32Array(k * n);
  for (const { first, cols } of columnPasses(n)) {
    for (let p = 0; p < k; p++) {
      const from = bOffset + p * ldb + first, to = k * first + p * cols;
      for (let q = 0; q < cols; q++) out[to + q] = b[from + q];
    }
  }
  return out;
}

/**
 * Partitions of `k` into consecutive blocks that a blocked `sgemm` sums separately: `[k]`, then
 * what OpenBLAS's level-3 loop makes for block sizes Q and register unrolls U (a block of Q while
 * at least 2Q are left; between Q and 2Q, half of what is left rounded up to a multiple of U).
 */
export function kPartitions(k: number): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  const add = (blocks: number[]) => {
    const key = blocks.join(",");
    if (!seen.has(key)) {
      seen.add(key);
      out.push(blocks);
    }
  };
  add([k]);
  for (const q of [128, 192, 224, 240, 256, 320, 352, 384, 448, 512, 640, 768, 1024]) {
    for (const u of [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64]) {
      const blocks: number[] = [];
      for (let left = k; left > 0;) {
        let l = left;
        if (l >= 2 * q) l = q;
        else if (l > q) l = Math.floor((Math.floor(l / 2) + u - 1) / u) * u;
        blocks.push(l);
        left -= l;
      }
      add(blocks);
    }
  }
  return out;
}

/**
 * The code of one row product: `rdi` points at a block of two addresses (the row `a`, then `c`,
 * 64 bits each); B's regrouped values are at `weights`. Sums each k block of `blocks` from zero
 * with `vfmadd231ps`/`vfmadd231ss`, and adds C (the block before, or the caller's C when
 * `accumulate`) with `vaddps`/`vaddss`.
 */
export function emitRowKernel(
  k: number,
  n: number,
  blocks: readonly number[],
  accumulate: boolean,
  weights: bigint,
): Uint8Array {
  const asm = new X86Assembler();
  asm.movLoad64(RDX, RDI, 0); // a
  asm.movLoad64(RSI, RDI, 8); // c
  asm.movImm64(R11, weights);
  for (const { first, cols, scalar } of columnPasses(n)) {
    const regs = scalar ? cols : cols / 8;
    let k0 = 0;
    blocks.forEach((kb, index) => {
      for (let r = 0; r < regs; r++) asm.vxorps(r, !scalar);
      asm.lea(RAX, RDX, 4 * k0);
      asm.lea(R10, R11, 4 * (k * first + k0 * cols));
      asm.movEcxImm32(kb);
      const top = asm.size;
      if (scalar) asm.vmovssLoad(15, RAX, 0);
      else asm.vbroadcastss(15, RAX, 0);
      for (let r = 0; r < regs; r++) {
        if (scalar) asm.vfmadd231ss(r, 15, R10, 4 * r);
        else asm.vfmadd231ps(r, 15, R10, 32 * r);
      }
      asm.addImm32(RAX, 4);
      asm.addImm32(R10, 4 * cols);
      asm.decEcxJnz(top);
      const addC = accumulate || index > 0;
      for (let r = 0; r < regs; r++) {
        const at = scalar ? 4 * (first + r) : 4 * first + 32 * r;
        if (scalar) {
          if (addC) asm.vaddss(r, r, RSI, at);
          asm.vmovssStore(RSI, at, r);
        } else {
          if (addC) asm.vaddps(r, r, RSI, at);
          asm.vmovupsStore(RSI, at, r);
        }
      }
      k0 += kb;
    });
  }
  asm.vzeroupper();
  asm.xorEax();
  asm.ret();
  return asm.bytes();
}

const fmaScratch = new Float64Array(1);
const fmaBits = new BigUint64Array(fmaScratch.buffer);

/**
 * `a·b + c` rounded once to float32, as a fused multiply-add does (the products of two float32
 * values are exact in float64; the sum is rounded to odd in float64, then to nearest float32).
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  if (!Number.isFinite(s)) return Math.fround(s);
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return Math.fround(s);
  fmaScratch[0] = s;
  if ((fmaBits[0] & 1n) === 0n) fmaBits[0] += (err > 0) === (s > 0) ? 1n : -1n;
  return Math.fround(fmaScratch[0]);
}

/**
 * The plain reference of the generated code (its test oracle): row `a` times B (`k×n`, k the sum
 * of `blocks`) into `c`, each k block summed from zero with {@linkcode fma32} and added to C in
 * float32.
 */
export function rowProductReference(
  a: F32,
  aOffset: number,
  b: F32,
  bOffset: number,
  ldb: number,
  n: number,
  c: F32,
  cOffset: number,
  blocks: readonly number[],
  accumulate: boolean,
): void {
  for (let j = 0; j < n; j++) {
    let sum = accumulate ? c[cOffset + j] : 0;
    let k0 = 0;
    blocks.forEach((kb, index) => {
      let acc = 0;
      for (let p = k0; p < k0 + kb; p++) acc = fma32(a[aOffset + p], b[bOffset + p * ldb + j], acc);
      sum = accumulate || index > 0 ? Math.fround(sum + acc) : acc;
      k0 += kb;
    });
    c[cOffset + j] = sum;
  }
}

/** The address of a view's first element; 0 for a view without memory (empty or detached). */
export function dataAddress(view: F32): bigint {
  const pointer = Deno.UnsafePointer.of(view);
  return BigInt(pointer === null ? 0 : Deno.UnsafePointer.value(pointer));
}

const addresses = new WeakMap<F32, { lo: number; hi: number }>();

/** A view's {@linkcode dataAddress} as two 32-bit halves, cached per view. */
export function addressOf(view: F32): { lo: number; hi: number } {
  let at = addresses.get(view);
  if (at === undefined) {
    const value = dataAddress(view);
    if (value === 0n) throw new TypeError("native row product: an operand has no memory");
    at = { lo: Number(value & 0xffffffffn), hi: Number(value >> 32n) };
    addresses.set(view, at);
  }
  return at;
}

/** Writes the address of element `index` of the view at `base` into `block[at]`, `block[at + 1]`. */
export function putAddress(
  block: Uint32Array,
  at: number,
  base: { lo: number; hi: number },
  index: number,
): void {
  const lo = base.lo + 4 * index;
  block[at] = lo >>> 0;
  block[at + 1] = base.hi + Math.floor(lo / 4294967296);
}

/**
 * Generated one-row products for one weight matrix: {@linkcode NativeRows.run} computes
 * `C[i] = A[i]·B` (or `C[i] += A[i]·B`) row by row.
 */
export class NativeRows implements NativeProduct {
  /** Rows of B. */
  readonly k: number;
  /** Columns of B. */
  readonly n: number;
  /** The k blocks summed separately. */
  readonly blocks: readonly number[];
  /** B regrouped; the code reads it by address, so it lives as long as this object. */
  readonly #weights: Float32Array;
  readonly #zero: NativeFunction;
  readonly #accumulate: NativeFunction;
  readonly #block = new Uint32Array(4);

  /** Generates the code for B (`k×n`, row `p` at `b[bOffset + p·ldb]`) in k blocks `blocks`. */
  constructor(
    k: number,
    n: number,
    b: F32,
    bOffset: number,
    ldb: number,
    blocks: readonly number[],
  ) {
    this.k = k;
    this.n = n;
    this.blocks = blocks;
    this.#weights = groupColumns(b, bOffset, ldb, k, n);
    const weights = dataAddress(this.#weights);
    this.#zero = new NativeFunction(emitRowKernel(k, n, blocks, false, weights));
    this.#accumulate = new NativeFunction(emitRowKernel(k, n, blocks, true, weights));
  }

  /**
   * `C[m×n] = A[m×k]·B`, or `+=` with `accumulate`, row by row. Throws a `TypeError` (running
   * nothing) when an operand is not a live `Float32Array` long enough for its rows.
   */
  run(
    m: number,
    a: F32,
    aOffset: number,
    lda: number,
    c: F32,
    cOffset: number,
    ldc: number,
    accumulate: boolean,
  ): void {
    if (m === 0) return;
    checkOperand("native row product", "A", a, aOffset, lda, m, this.k);
    checkOperand("native row product", "C", c, cOffset, ldc, m, this.n);
    const fn = accumulate ? this.#accumulate : this.#zero;
    const block = this.#block, aAt = addressOf(a), cAt = addressOf(c);
    for (let i = 0; i < m; i++) {
      putAddress(block, 0, aAt, aOffset + i * lda);
      putAddress(block, 2, cAt, cOffset + i * ldc);
      fn.call(block, block);
    }
  }
}

/**
 * Rows of the probe's reference product: past OpenBLAS's small-matrix bound (M·N·K ≤ 1e6) and at
 * least the library's row minimum for the shape, so that its rows are those of every product
 * Kerno makes on this shape (the row probe of `_blas_rows.ts` found them equal for every M from
 * that minimum on).
 */
function referenceRows(k: number, n: number, minRows: number): number {
  return Math.max(Math.floor(1e6 / (k * n)) + 16, minRows, CHECKED_ROWS);
}

/**
 * Rows of the reference checked against generated code, in both modes: more than one tile of the
 * product kernel and a remainder.
 */
const CHECKED_ROWS = 9;

/** Generated products of one weight matrix: `C[m×n] = A[m×k]·B` (`+=` with `accumulate`). */
export interface NativeProduct {
  /** The k blocks summed separately. */
  readonly blocks: readonly number[];
  /** Runs the product; throws a `TypeError`, running nothing, for operands that do not fit. */
  run(
    m: number,
    a: F32,
    aOffset: number,
    lda: number,
    c: F32,
    cOffset: number,
    ldc: number,
    accumulate: boolean,
  ): void;
}

/**
 * Generated products for B, made by `make` for a k partition, that give, bit for bit, the rows
 * `sgemm` gives in products of at least `minRows` rows (both `beta`s; `minRows` from the row
 * probe of `_blas_rows.ts`, whose rule is that smaller products are padded to it), or why there
 * are none (no support here, or no k partition matches this library).
 */
export function probeNative<T extends NativeProduct>(
  sgemm: Sgemm,
  k: number,
  n: number,
  b: F32,
  bOffset: number,
  ldb: number,
  minRows: number,
  make: (blocks: readonly number[]) => T,
): T | string {
  const support = nativeSupport();
  if (!("ok" in support)) return support.reason;
  const rows = referenceRows(k, n, minRows);
  let seed = 0x2545f491;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 31 - 1;
  };
  const a = new Float32Array(rows * k);
  for (let i = 0; i < a.length; i++) a[i] = random();
  const c0 = new Float32Array(rows * n);
  for (let i = 0; i < c0.length; i++) c0[i] = random();
  const zero = new Float32Array(rows * n);
  const summed = c0.slice();
  sgemmRows(sgemm, rows, n, k, a, 0, k, b, bOffset, ldb, zero, 0, n, 0);
  sgemmRows(sgemm, rows, n, k, a, 0, k, b, bOffset, ldb, summed, 0, n, 1);
  const got = new Float32Array(CHECKED_ROWS * n);
  const same = (want: Float32Array) => {
    for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) return false;
    return true;
  };
  // A partition is first screened on a few elements with the plain reference (microseconds),
  // and code is made only for one that passes (packing B and mapping code cost milliseconds).
  const samples = [0, 4, CHECKED_ROWS - 1].flatMap((i) => [[i, 0], [i, n - 1], [i, n >> 1]]);
  const one = new Float32Array(1);
  const screen = (blocks: readonly number[]) =>
    samples.every(([i, j]) => {
      one[0] = 0;
      rowProductReference(a, i * k, b, bOffset + j, ldb, 1, one, 0, blocks, false);
      if (!Object.is(one[0], zero[i * n + j])) return false;
      one[0] = c0[i * n + j];
      rowProductReference(a, i * k, b, bOffset + j, ldb, 1, one, 0, blocks, true);
      return Object.is(one[0], summed[i * n + j]);
    });
  for (const blocks of kPartitions(k)) {
    if (!screen(blocks)) continue;
    let native: T;
    try {
      native = make(blocks);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
    native.run(CHECKED_ROWS, a, 0, k, got, 0, n, false);
    if (!same(zero)) continue;
    got.set(c0.subarray(0, got.length));
    native.run(CHECKED_ROWS, a, 0, k, got, 0, n, true);
    if (same(summed)) return native;
  }
  return `no k partition of a ${k}×${n} product reproduces this library's rows`;
}
