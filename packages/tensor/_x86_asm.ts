/**
 * A small x86-64 assembler: the instructions of Kerno's native row kernels (AVX2 and FMA3 in
 * their VEX encodings, a few general-purpose ones), emitted as bytes. Memory operands are
 * always `[base + disp32]`; `rsp` and `r12` are not accepted as a base (they would need a SIB
 * byte), which keeps every encoding one form.
 *
 * @module
 */

/** General-purpose register numbers (the low three bits go in ModRM, the fourth in REX/VEX). */
export const RAX = 0;
/** `rcx` (the loop counter of the kernels, as `ecx`). */
export const RCX = 1;
/** `rdx`. */
export const RDX = 2;
/** `rbx` (callee-saved: push it before use). */
export const RBX = 3;
/** `rsi`: the second argument in the System V calling convention. */
export const RSI = 6;
/** `rdi`: the first argument in the System V calling convention. */
export const RDI = 7;
/** `r8`. */
export const R8 = 8;
/** `r9`. */
export const R9 = 9;
/** `r10`. */
export const R10 = 10;
/** `r11`. */
export const R11 = 11;
/** `r13` (callee-saved: push it before use). */
export const R13 = 13;
/** `r14` (callee-saved: push it before use). */
export const R14 = 14;

/** VEX opcode maps. */
const MAP_0F = 1, MAP_0F38 = 2;
/** VEX implied prefixes. */
const PP_NONE = 0, PP_66 = 1, PP_F3 = 2;

/**
 * Emits x86-64 machine code into a growing byte list. Vector registers are numbered 0–15
 * (`xmm`/`ymm`); `wide` selects the 256-bit `ymm` form.
 *
 * @example
 * ```ts ignore
 * const asm = new X86Assembler();
 * asm.vxorps(0, true); // vxorps ymm0, ymm0, ymm0
 * asm.ret();
 * asm.bytes(); // Uint8Array [0xc4, 0xe1, 0x7c, 0x57, 0xc0, 0xc3]
 * ```
 */
export class X86Assembler {
  readonly #out: number[] = [];

  /** Bytes emitted so far. */
  get size(): number {
    return this.#out.length;
  }

  /** The code. */
  bytes(): Uint8Array {
    return new Uint8Array(this.#out);
  }

  /** Raw bytes. */
  raw(...bytes: number[]): void {
    for (const b of bytes) this.#out.push(b & 0xff);
  }

  /** `mov reg64, imm64`. */
  movImm64(reg: number, value: bigint): void {
    this.raw(0x48 | (reg >> 3), 0xb8 | (reg & 7));
    for (let i = 0n; i < 8n; i++) this.raw(Number((value >> (8n * i)) & 0xffn));
  }

  /** `mov dst64, qword [base + disp]`. */
  movLoad64(dst: number, base: number, disp: number): void {
    const d = imm32(disp);
    checkBase(base);
    this.raw(0x48 | ((dst >> 3) << 2) | (base >> 3), 0x8b, 0x80 | ((dst & 7) << 3) | (base & 7));
    this.raw(...d);
  }

  /** `mov ecx, imm32` (zero-extends into `rcx`). */
  movEcxImm32(value: number): void {
    this.movImm32(RCX, value);
  }

  /** `mov reg32, imm32` (zero-extends into the 64-bit register). */
  movImm32(reg: number, value: number): void {
    const v = imm32(value);
    if (reg >= 8) this.raw(0x41);
    this.raw(0xb8 | (reg & 7), ...v);
  }

  /** `mov dst64, src64`. */
  movReg(dst: number, src: number): void {
    this.raw(0x48 | ((src >> 3) << 2) | (dst >> 3), 0x89, 0xc0 | ((src & 7) << 3) | (dst & 7));
  }

  /** `push reg64`. */
  push(reg: number): void {
    if (reg >= 8) this.raw(0x41);
    this.raw(0x50 | (reg & 7));
  }

  /** `pop reg64`. */
  pop(reg: number): void {
    if (reg >= 8) this.raw(0x41);
    this.raw(0x58 | (reg & 7));
  }

  /** `dec reg64; jnz target` (`target`: a byte offset already emitted). */
  decJnz(reg: number, target: number): void {
    this.raw(0x48 | (reg >> 3), 0xff, 0xc8 | (reg & 7), 0x0f, 0x85);
    this.raw(...imm32(target - (this.size + 4)));
  }

  /** `kmovw k(mask), eax`. */
  kmovwFromEax(mask: number): void {
    this.raw(0xc5, 0xf8, 0x92, 0xc0 | (mask << 3));
  }

  /** `lea dst64, [base + disp]`. */
  lea(dst: number, base: number, disp: number): void {
    const d = imm32(disp);
    checkBase(base);
    this.raw(0x48 | ((dst >> 3) << 2) | (base >> 3), 0x8d, 0x80 | ((dst & 7) << 3) | (base & 7));
    this.raw(...d);
  }

  /** `add reg64, imm32`. */
  addImm32(reg: number, value: number): void {
    const v = imm32(value);
    this.raw(0x48 | (reg >> 3), 0x81, 0xc0 | (reg & 7), ...v);
  }

  /** `dec ecx; jnz target` (`target`: a byte offset already emitted, the loop's top). */
  decEcxJnz(target: number): void {
    this.raw(0xff, 0xc9, 0x0f, 0x85, ...imm32(target - (this.size + 8)));
  }

  /** `xor eax, eax` (the kernels' return value 0). */
  xorEax(): void {
    this.raw(0x31, 0xc0);
  }

  /** `vzeroupper`, before returning to code that may use legacy SSE. */
  vzeroupper(): void {
    this.raw(0xc5, 0xf8, 0x77);
  }

  /** `ret`. */
  ret(): void {
    this.raw(0xc3);
  }

  /** `vxorps v, v, v`: zeroes register `v` (all 256 bits either way). */
  vxorps(v: number, wide: boolean): void {
    this.#vex(MAP_0F, PP_NONE, wide, v, v, v >> 3);
    this.raw(0x57, 0xc0 | ((v & 7) << 3) | (v & 7));
  }

  /** `vbroadcastss ymm(dst), dword [base + disp]`. */
  vbroadcastss(dst: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F38, PP_66, true, 0x18, dst, 0, base, disp);
  }

  /** `vfmadd231ps dst, src, [base + disp]`: `dst = src · mem + dst`, one rounding per lane. */
  vfmadd231ps(dst: number, src: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F38, PP_66, true, 0xb8, dst, src, base, disp);
  }

  /** `vfmadd231ss xmm(dst), xmm(src), dword [base + disp]`. */
  vfmadd231ss(dst: number, src: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F38, PP_66, false, 0xb9, dst, src, base, disp);
  }

  /** `vaddps ymm(dst), ymm(src), [base + disp]`. */
  vaddps(dst: number, src: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F, PP_NONE, true, 0x58, dst, src, base, disp);
  }

  /** `vaddss xmm(dst), xmm(src), dword [base + disp]`. */
  vaddss(dst: number, src: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F, PP_F3, false, 0x58, dst, src, base, disp);
  }

  /** `vmovss xmm(dst), dword [base + disp]`. */
  vmovssLoad(dst: number, base: number, disp: number): void {
    this.#vexMemory(MAP_0F, PP_F3, false, 0x10, dst, 0, base, disp);
  }

  /** `vmovss dword [base + disp], xmm(src)`. */
  vmovssStore(base: number, disp: number, src: number): void {
    this.#vexMemory(MAP_0F, PP_F3, false, 0x11, src, 0, base, disp);
  }

  /** `vmovups [base + disp], ymm(src)`. */
  vmovupsStore(base: number, disp: number, src: number): void {
    this.#vexMemory(MAP_0F, PP_NONE, true, 0x11, src, 0, base, disp);
  }

  /** `vpxord zmm(v), zmm(v), zmm(v)`: zeroes `zmm(v)` (0–31). */
  vpxordZ(v: number): void {
    this.#evex(MAP_0F, PP_66, v, v, v, 0, 0, 0);
    this.raw(0xef, 0xc0 | ((v & 7) << 3) | (v & 7));
  }

  /** `vmovups zmm(dst), [base + disp]`. */
  vmovupsLoadZ(dst: number, base: number, disp: number): void {
    this.#evexMemory(MAP_0F, PP_NONE, 0x10, dst, 0, base, disp, 0, false);
  }

  /** `vmovups [base + disp]{k(mask)}, zmm(src)`: with mask 0, every lane. */
  vmovupsStoreZ(base: number, disp: number, src: number, mask = 0): void {
    this.#evexMemory(MAP_0F, PP_NONE, 0x11, src, 0, base, disp, mask, false);
  }

  /** `vbroadcastss zmm(dst), dword [base + disp]`. */
  vbroadcastssZ(dst: number, base: number, disp: number): void {
    this.#evexMemory(MAP_0F38, PP_66, 0x18, dst, 0, base, disp, 0, false);
  }

  /** `vfmadd231ps zmm(dst), zmm(a), zmm(b)`: `dst = a·b + dst`, one rounding per lane. */
  vfmadd231psZ(dst: number, a: number, b: number): void {
    this.#evex(MAP_0F38, PP_66, dst, a, b, 0, 0, 0);
    this.raw(0xb8, 0xc0 | ((dst & 7) << 3) | (b & 7));
  }

  /**
   * `vaddps zmm(dst){k(mask)}{z}, zmm(src), [base + disp]`: with a mask, lanes outside it are
   * zeroed and their memory is not read (no fault past the end of an array).
   */
  vaddpsZ(dst: number, src: number, base: number, disp: number, mask = 0): void {
    this.#evexMemory(MAP_0F, PP_NONE, 0x58, dst, src, base, disp, mask, mask !== 0);
  }

  /**
   * The four-byte EVEX prefix of a 512-bit instruction: `reg` and `vvvv` 0–31, `rm` the register
   * operand (0–31) or the base register of a memory operand (0–15), `mask` the opmask k1–k7.
   */
  #evex(
    map: number,
    pp: number,
    reg: number,
    vvvv: number,
    rm: number,
    mask: number,
    zeroing: number,
    memory: number,
  ): void {
    const r = (reg >> 3) & 1, rHigh = (reg >> 4) & 1, b = (rm >> 3) & 1;
    const x = memory ? 0 : (rm >> 4) & 1;
    this.raw(
      0x62,
      ((~r & 1) << 7) | ((~x & 1) << 6) | ((~b & 1) << 5) | ((~rHigh & 1) << 4) | map,
      ((~vvvv & 0xf) << 3) | 0x04 | pp,
      (zeroing << 7) | (0b10 << 5) | ((~(vvvv >> 4) & 1) << 3) | mask,
    );
  }

  #evexMemory(
    map: number,
    pp: number,
    opcode: number,
    reg: number,
    vvvv: number,
    base: number,
    disp: number,
    mask: number,
    zeroing: boolean,
  ): void {
    const d = imm32(disp);
    checkBase(base);
    this.#evex(map, pp, reg, vvvv, base, mask, zeroing ? 1 : 0, 1);
    this.raw(opcode, 0x80 | ((reg & 7) << 3) | (base & 7), ...d);
  }

  /** The three-byte VEX prefix; `vvvv` is the second source (0 when unused). */
  #vex(map: number, pp: number, wide: boolean, reg: number, vvvv: number, b: number): void {
    const r = reg >> 3;
    this.raw(
      0xc4,
      ((~r & 1) << 7) | (1 << 6) | ((~b & 1) << 5) | map,
      ((~vvvv & 0xf) << 3) | ((wide ? 1 : 0) << 2) | pp,
    );
  }

  #vexMemory(
    map: number,
    pp: number,
    wide: boolean,
    opcode: number,
    reg: number,
    vvvv: number,
    base: number,
    disp: number,
  ): void {
    const d = imm32(disp);
    checkBase(base);
    this.#vex(map, pp, wide, reg, vvvv, base >> 3);
    this.raw(opcode, 0x80 | ((reg & 7) << 3) | (base & 7), ...d);
  }
}

/** The four little-endian bytes of a signed 32-bit immediate; throws a `RangeError` otherwise. */
function imm32(v: number): number[] {
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
    throw new RangeError(`x86: ${v} does not fit a signed 32-bit immediate`);
  }
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >> 24) & 0xff];
}

function checkBase(base: number): void {
  if (!Number.isInteger(base) || base < 0 || base > 15 || (base & 7) === 4) {
    throw new RangeError(`x86: register ${base} cannot be a base here (rsp and r12 need a SIB)`);
  }
}
