import assert from "node:assert/strict";
import { R10, R11, R13, R8, R9, RAX, RBX, RDI, RDX, RSI, X86Assembler } from "./_x86_asm.ts";

// Each encoding was checked by disassembling it with GNU objdump (`objdump -D -b binary
// -mi386:x86-64 -M intel`), which printed the instruction named.
const CASES: [string, (a: X86Assembler) => void, number[]][] = [
  ["movabs r11, 0x1122334455667788", (a) => a.movImm64(R11, 0x1122334455667788n), [
    0x49,
    0xbb,
    0x88,
    0x77,
    0x66,
    0x55,
    0x44,
    0x33,
    0x22,
    0x11,
  ]],
  ["mov rdx, qword [rdi + 0]", (a) => a.movLoad64(RDX, RDI, 0), [
    0x48,
    0x8b,
    0x97,
    0x00,
    0x00,
    0x00,
    0x00,
  ]],
  ["mov rsi, qword [rdi + 8]", (a) => a.movLoad64(RSI, RDI, 8), [
    0x48,
    0x8b,
    0xb7,
    0x08,
    0x00,
    0x00,
    0x00,
  ]],
  ["mov ecx, 128", (a) => a.movEcxImm32(128), [0xb9, 0x80, 0x00, 0x00, 0x00]],
  ["lea rax, [rdx + 0x100]", (a) => a.lea(RAX, RDX, 0x100), [
    0x48,
    0x8d,
    0x82,
    0x00,
    0x01,
    0x00,
    0x00,
  ]],
  ["lea r10, [r11 + 0x10000]", (a) => a.lea(R10, R11, 0x10000), [
    0x4d,
    0x8d,
    0x93,
    0x00,
    0x00,
    0x01,
    0x00,
  ]],
  ["add rax, 4", (a) => a.addImm32(RAX, 4), [0x48, 0x81, 0xc0, 0x04, 0x00, 0x00, 0x00]],
  ["add r10, 384", (a) => a.addImm32(R10, 384), [0x49, 0x81, 0xc2, 0x80, 0x01, 0x00, 0x00]],
  ["xor eax, eax", (a) => a.xorEax(), [0x31, 0xc0]],
  ["vzeroupper", (a) => a.vzeroupper(), [0xc5, 0xf8, 0x77]],
  ["ret", (a) => a.ret(), [0xc3]],
  ["vxorps ymm0, ymm0, ymm0", (a) => a.vxorps(0, true), [0xc4, 0xe1, 0x7c, 0x57, 0xc0]],
  ["vxorps ymm11, ymm11, ymm11", (a) => a.vxorps(11, true), [0xc4, 0x41, 0x24, 0x57, 0xdb]],
  ["vxorps xmm9, xmm9, xmm9", (a) => a.vxorps(9, false), [0xc4, 0x41, 0x30, 0x57, 0xc9]],
  ["vbroadcastss ymm15, dword [rax + 0]", (a) => a.vbroadcastss(15, RAX, 0), [
    0xc4,
    0x62,
    0x7d,
    0x18,
    0xb8,
    0x00,
    0x00,
    0x00,
    0x00,
  ]],
  ["vfmadd231ps ymm9, ymm15, [r10 + 0x20]", (a) => a.vfmadd231ps(9, 15, R10, 0x20), [
    0xc4,
    0x42,
    0x05,
    0xb8,
    0x8a,
    0x20,
    0x00,
    0x00,
    0x00,
  ]],
  ["vfmadd231ss xmm3, xmm15, dword [r10 + 4]", (a) => a.vfmadd231ss(3, 15, R10, 4), [
    0xc4,
    0xc2,
    0x01,
    0xb9,
    0x9a,
    0x04,
    0x00,
    0x00,
    0x00,
  ]],
  ["vaddps ymm10, ymm10, [rsi + 0x40]", (a) => a.vaddps(10, 10, RSI, 0x40), [
    0xc4,
    0x61,
    0x2c,
    0x58,
    0x96,
    0x40,
    0x00,
    0x00,
    0x00,
  ]],
  ["vaddss xmm2, xmm2, dword [rsi + 8]", (a) => a.vaddss(2, 2, RSI, 8), [
    0xc4,
    0xe1,
    0x6a,
    0x58,
    0x96,
    0x08,
    0x00,
    0x00,
    0x00,
  ]],
  ["vmovss xmm15, dword [rax + 0]", (a) => a.vmovssLoad(15, RAX, 0), [
    0xc4,
    0x61,
    0x7a,
    0x10,
    0xb8,
    0x00,
    0x00,
    0x00,
    0x00,
  ]],
  ["vmovss dword [rsi + 12], xmm11", (a) => a.vmovssStore(RSI, 12, 11), [
    0xc4,
    0x61,
    0x7a,
    0x11,
    0x9e,
    0x0c,
    0x00,
    0x00,
    0x00,
  ]],
  ["vmovups [rsi + 0x60], ymm8", (a) => a.vmovupsStore(RSI, 0x60, 8), [
    0xc4,
    0x61,
    0x7c,
    0x11,
    0x86,
    0x60,
    0x00,
    0x00,
    0x00,
  ]],
  ["mov r9d, 32", (a) => a.movImm32(R9, 32), [0x41, 0xb9, 0x20, 0x00, 0x00, 0x00]],
  ["mov eax, 0x7fff", (a) => a.movImm32(RAX, 0x7fff), [0xb8, 0xff, 0x7f, 0x00, 0x00]],
  ["mov rdi, rdx", (a) => a.movReg(RDI, RDX), [0x48, 0x89, 0xd7]],
  ["mov r13, rsi", (a) => a.movReg(R13, RSI), [0x49, 0x89, 0xf5]],
  ["mov rbx, r11", (a) => a.movReg(RBX, R11), [0x4c, 0x89, 0xdb]],
  ["mov r8, r10", (a) => a.movReg(R8, R10), [0x4d, 0x89, 0xd0]],
  ["push rbx; push r13; pop r13; pop rbx", (a) => {
    a.push(RBX);
    a.push(R13);
    a.pop(R13);
    a.pop(RBX);
  }, [0x53, 0x41, 0x55, 0x41, 0x5d, 0x5b]],
  ["kmovw k1, eax", (a) => a.kmovwFromEax(1), [0xc5, 0xf8, 0x92, 0xc8]],
  ["vpxord zmm0, zmm0, zmm0", (a) => a.vpxordZ(0), [0x62, 0xf1, 0x7d, 0x48, 0xef, 0xc0]],
  ["vpxord zmm23, zmm23, zmm23", (a) => a.vpxordZ(23), [0x62, 0xa1, 0x45, 0x40, 0xef, 0xff]],
  ["vmovups zmm24, [r8 + 0x40]", (a) => a.vmovupsLoadZ(24, R8, 0x40), [
    0x62,
    0x41,
    0x7c,
    0x48,
    0x10,
    0x80,
    0x40,
    0x00,
    0x00,
    0x00,
  ]],
  ["vmovups [r13 + 0x100], zmm5", (a) => a.vmovupsStoreZ(R13, 0x100, 5), [
    0x62,
    0xd1,
    0x7c,
    0x48,
    0x11,
    0xad,
    0x00,
    0x01,
    0x00,
    0x00,
  ]],
  ["vmovups [r13 + 0x100]{k1}, zmm21", (a) => a.vmovupsStoreZ(R13, 0x100, 21, 1), [
    0x62,
    0xc1,
    0x7c,
    0x49,
    0x11,
    0xad,
    0x00,
    0x01,
    0x00,
    0x00,
  ]],
  ["vbroadcastss zmm28, dword [rax + 8]", (a) => a.vbroadcastssZ(28, RAX, 8), [
    0x62,
    0x62,
    0x7d,
    0x48,
    0x18,
    0xa0,
    0x08,
    0x00,
    0x00,
    0x00,
  ]],
  ["vfmadd231ps zmm5, zmm28, zmm24", (a) => a.vfmadd231psZ(5, 28, 24), [
    0x62,
    0x92,
    0x1d,
    0x40,
    0xb8,
    0xe8,
  ]],
  ["vfmadd231ps zmm23, zmm28, zmm27", (a) => a.vfmadd231psZ(23, 28, 27), [
    0x62,
    0x82,
    0x1d,
    0x40,
    0xb8,
    0xfb,
  ]],
  ["vaddps zmm3, zmm3, [r13 + 0x40]", (a) => a.vaddpsZ(3, 3, R13, 0x40), [
    0x62,
    0xd1,
    0x64,
    0x48,
    0x58,
    0x9d,
    0x40,
    0x00,
    0x00,
    0x00,
  ]],
  ["vaddps zmm19{k1}{z}, zmm19, [r13 + 0x40]", (a) => a.vaddpsZ(19, 19, R13, 0x40, 1), [
    0x62,
    0xc1,
    0x64,
    0xc1,
    0x58,
    0x9d,
    0x40,
    0x00,
    0x00,
    0x00,
  ]],
];

Deno.test("X86Assembler: every instruction's bytes", () => {
  for (const [name, emit, want] of CASES) {
    const asm = new X86Assembler();
    emit(asm);
    assert.deepEqual([...asm.bytes()], want, name);
  }
});

Deno.test("X86Assembler: dec ecx; jnz jumps back to the loop's top", () => {
  const asm = new X86Assembler();
  asm.raw(0x90, 0x90, 0x90, 0x90); // four nops: the loop body
  asm.decEcxJnz(0);
  // jnz's rel32 counts from the end of the instruction (offset 12): 0 - 12 = -12.
  assert.deepEqual([...asm.bytes()].slice(4), [0xff, 0xc9, 0x0f, 0x85, 0xf4, 0xff, 0xff, 0xff]);
});

Deno.test("X86Assembler: dec r64; jnz jumps back to the loop's top", () => {
  const loop = new X86Assembler();
  loop.decJnz(RBX, 0);
  assert.deepEqual([...loop.bytes()], [0x48, 0xff, 0xcb, 0x0f, 0x85, 0xf7, 0xff, 0xff, 0xff]);
});

Deno.test("X86Assembler: refuses what it cannot encode", () => {
  const asm = new X86Assembler();
  assert.throws(() => asm.lea(RAX, 4, 0), /register 4 cannot be a base/);
  assert.throws(() => asm.vaddps(0, 0, 12, 0), /register 12 cannot be a base/);
  assert.throws(() => asm.addImm32(RAX, 2 ** 31), /does not fit a signed 32-bit immediate/);
  assert.equal(asm.size, 0);
});
