/**
 * Whole products for the BLAS backend in AVX-512 code Kerno generates (see `_native_exec.ts`):
 * `C = A·B` or `C += A·B` with B packed once per weight matrix, where the library repacks B at
 * every call (OpenBLAS: about 0.2 ms for LSTM(512)'s 4 MB of recurrent weights at each step of
 * each shard). Tiles of 6 rows × 64 columns: 24 accumulators in zmm0–zmm23, B's four vectors in
 * zmm24–zmm27, the broadcast of an element of A in zmm28. Measured on W5's step
 * (252×512·512×2048) 212 GFLOP/s against OpenBLAS's 177 with its repacking, on W1's
 * (1020×128·128×512) 208 against 193 (AMD EPYC, one thread).
 *
 * The arithmetic is that of the one-row code (`_native_rows.ts`), element for element: each k
 * block summed in order from zero with one fused multiply-add per term, added to C; so a row's
 * bits do not depend on its tile, and the k partition that reproduces the library's rows is
 * found the same way (`probeNative`).
 *
 * @module
 */
import { NativeFunction } from "./_native_exec.ts";
import { addressOf, dataAddress, type NativeProduct, putAddress } from "./_native_rows.ts";
import { checkOperand } from "./_blas_call.ts";

type Address = ReturnType<typeof addressOf>;
import { R10, R11, R13, R14, R8, R9, RAX, RBX, RDI, RDX, RSI, X86Assembler } from "./_x86_asm.ts";
import type { F32 } from "./tensor.ts";

/** Rows of a tile. */
export const TILE_ROWS = 6;
/** Columns of a tile (four 16-float registers). */
export const TILE_COLS = 64;

/** Floats per row of packed tile `t` of an `n`-column B: 64, or the last tile's width in whole 16s. */
function tileWidth(n: number, t: number): number {
  return Math.ceil(Math.min(TILE_COLS, n - TILE_COLS * t) / 16) * 16;
}

/**
 * B (`k×n`, row `p` at `b[bOffset + p·ldb]`) packed for the code: 64-column tiles one after the
 * other, each row after row (tile `t` starts at `64·k·t`), the last tile's rows zero-padded to
 * whole 16-float registers.
 */
export function packTiles(
  b: F32,
  bOffset: number,
  ldb: number,
  k: number,
  n: number,
): Float32Array {
  const tiles = Math.ceil(n / TILE_COLS);
  const out = new Float32Array(
    tiles === 0 ? 0 : TILE_COLS * k * (tiles - 1) + tileWidth(n, tiles - 1) * k,
  );
  for (let t = 0; t < tiles; t++) {
    const first = TILE_COLS * t, cols = Math.min(TILE_COLS, n - first), width = tileWidth(n, t);
    for (let p = 0; p < k; p++) {
      const from = bOffset + p * ldb + first, to = TILE_COLS * k * t + p * width;
      for (let q = 0; q < cols; q++) out[to + q] = b[from + q];
    }
  }
  return out;
}

/** What a product starts its sums from: 0, C's values, or a bias row (the same for every row). */
export type GemmStart = "zero" | "accumulate" | "bias";

const STARTS: readonly GemmStart[] = ["zero", "accumulate", "bias"];

/**
 * The code of a product of `tiles` tiles of `rows` rows (the count read from the call block):
 * `rdi` points at a block of four 64-bit words (A's first row, C's first row, the tile count,
 * the bias row); the packed B ({@linkcode packTiles}) is at `weights`. A's rows are `lda` floats
 * apart, C's `ldc`. Each k block's sum is added to C (to the bias row with `start` "bias", for the
 * first block; nothing is added to the first block's sum with "zero").
 */
export function emitGemmKernel(
  k: number,
  n: number,
  lda: number,
  ldc: number,
  rows: number,
  blocks: readonly number[],
  start: GemmStart,
  weights: bigint,
): Uint8Array {
  if (!(rows >= 1 && rows <= TILE_ROWS)) throw new RangeError(`gemm kernel: ${rows} rows a tile`);
  const asm = new X86Assembler();
  asm.push(RBX);
  asm.push(R13);
  asm.push(R14);
  asm.movLoad64(RDX, RDI, 0); // A
  asm.movLoad64(RSI, RDI, 8); // C, at the current column tile
  asm.movLoad64(R11, RDI, 16); // tiles of rows
  asm.movLoad64(R14, RDI, 24); // the bias row, at the current column tile
  const tail = n % 16;
  if (tail !== 0) {
    asm.movImm32(RAX, (1 << tail) - 1);
    asm.kmovwFromEax(1);
  }
  asm.movImm64(R10, weights);
  const tileBody = (regs: number, masked: boolean) => {
    const stride = 64 * regs; // bytes of packed B per k
    asm.movReg(RDI, RDX); // A, at the current row tile
    asm.movReg(R13, RSI); // C, at the current row tile
    asm.movReg(RBX, R11);
    const rowTop = asm.size;
    let k0 = 0;
    blocks.forEach((kb, index) => {
      for (let i = 0; i < rows * regs; i++) asm.vpxordZ(i);
      asm.lea(RAX, RDI, 4 * k0);
      asm.lea(R8, R10, stride * k0);
      asm.movEcxImm32(kb);
      const kTop = asm.size;
      for (let c = 0; c < regs; c++) asm.vmovupsLoadZ(24 + c, R8, 64 * c);
      for (let r = 0; r < rows; r++) {
        asm.vbroadcastssZ(28, RAX, 4 * lda * r);
        for (let c = 0; c < regs; c++) asm.vfmadd231psZ(r * regs + c, 28, 24 + c);
      }
      asm.addImm32(RAX, 4);
      asm.addImm32(R8, stride);
      asm.decEcxJnz(kTop);
      // Every load of C before the first store: rows 4 KB apart would otherwise make a load
      // wait on the store before it (the CPU matches addresses on their low 12 bits first).
      const added = index > 0 || start === "accumulate" ? "c" : start === "bias" ? "bias" : null;
      for (const store of added !== null ? [false, true] : [true]) {
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < regs; c++) {
            const at = 4 * ldc * r + 64 * c, mask = masked && c === regs - 1 ? 1 : 0;
            const acc = r * regs + c;
            if (store) asm.vmovupsStoreZ(R13, at, acc, mask);
            else if (added === "c") asm.vaddpsZ(acc, acc, R13, at, mask);
            else asm.vaddpsZ(acc, acc, R14, 64 * c, mask);
          }
        }
      }
      k0 += kb;
    });
    asm.addImm32(RDI, 4 * lda * rows);
    asm.addImm32(R13, 4 * ldc * rows);
    asm.decJnz(RBX, rowTop);
  };
  const full = Math.floor(n / TILE_COLS);
  if (full > 0) {
    asm.movImm32(R9, full);
    const colTop = asm.size;
    tileBody(4, false);
    asm.addImm32(R10, 4 * TILE_COLS * k);
    asm.addImm32(RSI, 4 * TILE_COLS);
    asm.addImm32(R14, 4 * TILE_COLS);
    asm.decJnz(R9, colTop);
  }
  if (n % TILE_COLS !== 0) tileBody(tileWidth(n, full) / 16, tail !== 0);
  asm.vzeroupper();
  asm.pop(R14);
  asm.pop(R13);
  asm.pop(RBX);
  asm.xorEax();
  asm.ret();
  return asm.bytes();
}

/**
 * Generated whole products for one weight matrix: {@linkcode NativeGemm.run} computes
 * `C = A·B` (or `C += A·B`) for any number of rows, in tiles of 6 rows and a remainder.
 */
export class NativeGemm implements NativeProduct {
  /** Rows of B. */
  readonly k: number;
  /** Columns of B. */
  readonly n: number;
  /** The k blocks summed separately. */
  readonly blocks: readonly number[];
  /** B packed; the code reads it by address, so it lives as long as this object. */
  readonly #packed: Float32Array;
  readonly #address: bigint;
  /** Code per tile height, mode and row strides, made on first use. */
  readonly #kernels = new Map<number | string, NativeFunction>();
  readonly #block = new Uint32Array(8);

  /** Packs B (`k×n`, row `p` at `b[bOffset + p·ldb]`) for products summed in k blocks `blocks`. */
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
    this.#packed = packTiles(b, bOffset, ldb, k, n);
    this.#address = dataAddress(this.#packed);
  }

  /**
   * `C[m×n] = A[m×k]·B`, or `+=` with `accumulate`. Throws a `TypeError` (running nothing) when
   * an operand is not a live `Float32Array` long enough for its rows.
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
    this.runFrom(accumulate ? "accumulate" : "zero", m, a, aOffset, lda, c, cOffset, ldc);
  }

  /**
   * `C[m×n] = start + A[m×k]·B`, `start` being 0, C, or the row `bias[biasOffset…]` on every
   * row (the bits of filling C with the bias row and accumulating). Throws a `TypeError`
   * (running nothing) when an operand is not a live `Float32Array` long enough for its rows.
   */
  runFrom(
    start: GemmStart,
    m: number,
    a: F32,
    aOffset: number,
    lda: number,
    c: F32,
    cOffset: number,
    ldc: number,
    bias?: F32,
    biasOffset = 0,
  ): void {
    if (m === 0 || this.n === 0) return;
    checkOperand("native product", "A", a, aOffset, lda, m, this.k);
    checkOperand("native product", "C", c, cOffset, ldc, m, this.n);
    if (start === "bias") {
      checkOperand("native product", "bias", bias!, biasOffset, this.n, 1, this.n);
    }
    if (this.k === 0) {
      for (let i = 0; i < m; i++) {
        const at = cOffset + i * ldc;
        if (start === "zero") c.fill(0, at, at + this.n);
        else if (start === "bias") c.set(bias!.subarray(biasOffset, biasOffset + this.n), at);
      }
      return;
    }
    const full = Math.floor(m / TILE_ROWS), rest = m % TILE_ROWS;
    const aAt = addressOf(a), cAt = addressOf(c);
    const biasAt = start === "bias" ? addressOf(bias!) : cAt;
    const biasIndex = start === "bias" ? biasOffset : cOffset;
    if (full > 0) {
      // deno-fmt-ignore
      this.#call(start, TILE_ROWS, full, aAt, aOffset, lda, cAt, cOffset, ldc, biasAt, biasIndex);
    }
    if (rest > 0) {
      const aSkip = aOffset + full * TILE_ROWS * lda, cSkip = cOffset + full * TILE_ROWS * ldc;
      this.#call(start, rest, 1, aAt, aSkip, lda, cAt, cSkip, ldc, biasAt, biasIndex);
    }
  }

  #call(
    start: GemmStart,
    rows: number,
    tiles: number,
    aAt: Address,
    aIndex: number,
    lda: number,
    cAt: Address,
    cIndex: number,
    ldc: number,
    biasAt: Address,
    biasIndex: number,
  ): void {
    // A number while the strides fit 21 bits (no allocation per call), else a string.
    const small = lda < 2 ** 21 && ldc < 2 ** 21;
    const key = small
      ? ((rows * 3 + STARTS.indexOf(start)) * 2 ** 21 + lda) * 2 ** 21 + ldc
      : `${rows} ${start} ${lda} ${ldc}`;
    let fn = this.#kernels.get(key);
    if (fn === undefined) {
      // deno-fmt-ignore
      fn = new NativeFunction(emitGemmKernel(this.k, this.n, lda, ldc, rows, this.blocks, start, this.#address));
      this.#kernels.set(key, fn);
    }
    const block = this.#block;
    putAddress(block, 0, aAt, aIndex);
    putAddress(block, 2, cAt, cIndex);
    block[4] = tiles;
    block[5] = 0;
    putAddress(block, 6, biasAt, biasIndex);
    fn.call(block, block);
  }
}
