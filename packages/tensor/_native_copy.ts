/**
 * Strided row copies in code Kerno generates (see `_native_exec.ts`), for the BLAS backend: one
 * call copies `rows` rows of bytes, each with `rep movsb`, between arrays whose rows lie a stride
 * apart. A recurrent layer that returns its sequence stores each step's output rows this way,
 * `T · width` floats apart in the result (W3, 256 rows of 64 floats a step: 4.3 ms of a 35 ms
 * call in a JavaScript loop, 1.4 ns a float).
 *
 * @module
 */
import { NativeFunction, nativeSupport } from "./_native_exec.ts";
import { addressOf, putAddress } from "./_native_rows.ts";
import { R10, R11, R8, R9, RAX, RCX, RDI, RDX, RSI, X86Assembler } from "./_x86_asm.ts";
import { checkOperand } from "./_blas_call.ts";
import type { F32 } from "./tensor.ts";

/**
 * The code: `rdi` points at the parameter block (two 64-bit addresses, then four 32-bit
 * counts): destination, source, rows (at least 1), bytes a row, destination stride and source
 * stride in bytes.
 */
export function rowCopyCode(): Uint8Array {
  const asm = new X86Assembler();
  asm.movLoad64(R8, RDI, 0);
  asm.movLoad64(RSI, RDI, 8);
  asm.movLoad32(RDX, RDI, 16);
  asm.movLoad32(R9, RDI, 20);
  asm.movLoad32(R10, RDI, 24);
  asm.movLoad32(R11, RDI, 28);
  const top = asm.size;
  asm.movReg(RDI, R8);
  asm.movReg(RAX, RSI);
  asm.movReg(RCX, R9);
  asm.repMovsb();
  asm.movReg(RSI, RAX);
  asm.addReg(RSI, R11);
  asm.addReg(R8, R10);
  asm.decJnz(RDX, top);
  asm.xorEax();
  asm.ret();
  return asm.bytes();
}

let copier: NativeFunction | null | undefined;
const block = new Uint32Array(8);

/** The copy's code, made on first use; null where generated code cannot run. */
function nativeCopier(): NativeFunction | null {
  if (copier !== undefined) return copier;
  copier = null;
  if ("ok" in nativeSupport()) {
    try {
      copier = new NativeFunction(rowCopyCode());
    } catch {
      copier = null;
    }
  }
  return copier;
}

/** Strides whose byte counts still fit the block's 32-bit fields. */
const MAX_STRIDE = 0x3fffffff;

/**
 * Row `r` of `src` (`width` floats at `srcOffset + r·srcStride`) to `dst` at
 * `dstOffset + r·dstStride`, for `r < rows`, in generated code. Returns false, copying nothing,
 * where generated code cannot run or a stride is too large for it; throws a `TypeError`
 * (copying nothing) when a row falls outside its array or an array was detached.
 */
export function copyRowsNative(
  dst: F32,
  dstOffset: number,
  dstStride: number,
  src: F32,
  srcOffset: number,
  srcStride: number,
  rows: number,
  width: number,
): boolean {
  if (rows <= 0 || width <= 0) return true;
  if (dstStride > MAX_STRIDE || srcStride > MAX_STRIDE || width > MAX_STRIDE) return false;
  const code = nativeCopier();
  if (code === null) return false;
  checkOperand("row copy", "destination", dst, dstOffset, dstStride, rows, width);
  checkOperand("row copy", "source", src, srcOffset, srcStride, rows, width);
  putAddress(block, 0, addressOf(dst), dstOffset);
  putAddress(block, 2, addressOf(src), srcOffset);
  block[4] = rows;
  block[5] = 4 * width;
  block[6] = 4 * dstStride;
  block[7] = 4 * srcStride;
  code.call(block, block);
  return true;
}
