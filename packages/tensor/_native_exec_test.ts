import assert from "node:assert/strict";
import { NativeFunction, nativeSupport } from "./_native_exec.ts";
import { readCpuFlags } from "./_blas_cpu.ts";

const support = nativeSupport();
const flags = Deno.build.os === "linux" ? readCpuFlags(true) : null;
const capable = Deno.build.os === "linux" && Deno.build.arch === "x86_64" &&
  flags !== null && flags.has("avx2") && flags.has("fma");

Deno.test("nativeSupport: runs where Linux x86-64 has AVX2 and FMA, else says why", () => {
  if (capable) assert.deepEqual(support, { ok: true, avx512: flags!.has("avx512f") });
  else {
    assert.ok("reason" in support && support.reason.length > 0);
    console.log(`native code: ${"reason" in support ? support.reason : ""}`);
  }
});

Deno.test({
  name: "NativeFunction: runs generated code once per call, with the key in rdi",
  ignore: !("ok" in support),
  fn() {
    // mov eax, [rsi]; add [rdi], eax; xor eax, eax; ret: key[0] += element[0].
    const add = new NativeFunction(new Uint8Array([0x8b, 0x06, 0x01, 0x07, 0x31, 0xc0, 0xc3]));
    const key = new Int32Array([5]), element = new Int32Array([37]);
    add.call(key, element);
    assert.equal(key[0], 42);
    add.call(key, element);
    assert.equal(key[0], 79);
  },
});
