/**
 * A minimal WebAssembly binary writer, enough for the SIMD kernels of `_gemm_wasm.ts`: one
 * memory, exported functions with i32 parameters and typed locals. Instructions are byte arrays
 * built by {@linkcode op}; the module is assembled by {@linkcode wasmModule}.
 *
 * @module
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Value types. */
export const I32 = 0x7f;
/** 128-bit vector type. */
export const V128 = 0x7b;

const simd = (code: number, ...imm: number[]) => [0xfd, ...uleb(code), ...imm];
/** A memory argument: alignment (log2 bytes) and offset. */
const memarg = (align: number, offset: number) => [align, ...uleb(offset)];

/** The instructions the kernels use. */
export const op = {
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  shl: [0x74],
  eqz: [0x45],
  ltS: [0x48],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  /** v128.const 0. */
  zero: simd(0x0c, ...new Array(16).fill(0)),
  load: (offset: number): number[] => simd(0x00, ...memarg(4, offset)),
  store: (offset: number): number[] => simd(0x0b, ...memarg(4, offset)),
  /** Loads one f64 and splats it to both lanes. */
  load64Splat: (offset: number): number[] => simd(0x0a, ...memarg(3, offset)),
  /** Loads 64 bits into the low lane, zeroing the high one. */
  load64Zero: (offset: number): number[] => simd(0x5d, ...memarg(3, offset)),
  /** f64x2.promote_low_f32x4: the two low f32 lanes to f64 (exact). */
  promoteLow: simd(0x5f),
  f64x2Add: simd(0xf0),
  f64x2Mul: simd(0xf2),
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  call: (fn: number): number[] => [0x10, ...uleb(fn)],
  f32Const: (v: number): number[] => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  and: [0x71],
  or: [0x72],
  shrU: [0x76],
  remU: [0x70],
  eq: [0x46],
  ne: [0x47],
  ltU: [0x49],
  gtS: [0x4a],
  geS: [0x4e],
  /** `if` with no result; close with {@linkcode op.end}. */
  if: [0x04, 0x40],
  else: [0x05],
  /** i32.load8_u. */
  loadU8: (offset: number): number[] => [0x2d, ...memarg(0, offset)],
  /** f32.load / f32.store (scalar). */
  loadF32: (offset: number): number[] => [0x2a, ...memarg(2, offset)],
  storeF32: (offset: number): number[] => [0x38, ...memarg(2, offset)],
  /** v128.load32_splat: one f32 in all four lanes. */
  load32Splat: (offset: number): number[] => simd(0x09, ...memarg(2, offset)),
  /** v128.const of four equal f32 lanes. */
  f32x4Const: (v: number): number[] => {
    const bytes = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
    return simd(0x0c, ...bytes);
  },
  /** v128.const of four equal i32 lanes. */
  i32x4Const: (v: number): number[] => {
    const bytes = new Uint8Array(new Int32Array([v, v, v, v]).buffer);
    return simd(0x0c, ...bytes);
  },
  f32x4Splat: simd(0x13),
  f32x4Lt: simd(0x43),
  f32x4Gt: simd(0x44),
  f32x4Le: simd(0x45),
  vAnd: simd(0x4e),
  vOr: simd(0x50),
  vXor: simd(0x51),
  bitselect: simd(0x52),
  f32x4Nearest: simd(0x6a),
  i32x4Shl: simd(0xab),
  i32x4Add: simd(0xae),
  f32x4Abs: simd(0xe0),
  f32x4Neg: simd(0xe1),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4Min: simd(0xe8),
  f32x4Max: simd(0xe9),
  /** f32x4.pmin / pmax: `b < a ? b : a` / `a < b ? b : a` (NaN in `a` passes through). */
  f32x4Pmin: simd(0xea),
  f32x4Pmax: simd(0xeb),
  i32x4TruncSat: simd(0xf8),
  /**
   * f32x4.relaxed_madd / relaxed_nmadd (relaxed SIMD): `a·b + c` / `−(a·b) + c`, rounded once
   * where the CPU has fused multiply-add, else as a product then a sum.
   */
  f32x4RelaxedMadd: simd(0x105),
  f32x4RelaxedNmadd: simd(0x106),
  f32x4FromI32x4: simd(0xfa),
};

/** One exported function. */
export interface WasmFunction {
  /** Export name. */
  readonly name: string;
  /** Number of i32 parameters. */
  readonly params: number;
  /** Types of the other locals, in order after the parameters. */
  readonly locals: readonly number[];
  /** Instructions, without the final `end`. */
  readonly body: readonly number[];
}

/** A module with one exported memory (`memory`, imported as `env.memory`) and `fns`, exported. */
export function wasmModule(fns: readonly WasmFunction[]): Uint8Array<ArrayBuffer> {
  const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const section = (id: number, bytes: number[]) => [id, ...uleb(bytes.length), ...bytes];
  const name = (s: string) => [...uleb(s.length), ...new TextEncoder().encode(s)];
  const types = vec(fns.map((f) => [0x60, ...vec(new Array(f.params).fill([I32])), 0]));
  const imports = vec([[...name("env"), ...name("memory"), 0x02, 0x00, 0x01]]);
  const funcs = vec(fns.map((_, i) => uleb(i)));
  const exports = vec(fns.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]));
  const codes = vec(fns.map((f) => {
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
    return [...uleb(body.length), ...body];
  }));
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, codes),
  ]);
}
