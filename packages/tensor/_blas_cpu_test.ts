import assert from "node:assert/strict";
import { readCpuFlags } from "./_blas_cpu.ts";
import { cpuFlags } from "./_blas_discovery.ts";

const KNOWN = [
  "fma",
  "avx2",
  "avx512f",
  "avx512dq",
  "avx512cd",
  "avx512bw",
  "avx512vl",
  "avx512_bf16",
];
const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";

Deno.test({
  name: "readCpuFlags asks glibc for the flags OpenBLAS's core type depends on",
  ignore: Deno.build.os !== "linux" || Deno.build.arch !== "x86_64" || !ffi,
  fn() {
    const flags = readCpuFlags(false);
    assert.ok(flags !== null, "glibc 2.33+ exports __x86_get_cpuid_feature_leaf");
    for (const f of flags) assert.ok(KNOWN.includes(f), `unexpected flag ${f}`);
    // Every x86-64 CPU with AVX2 (2013 on) has FMA: glibc's bits must agree.
    if (flags.has("avx2")) assert.ok(flags.has("fma"));
    let cpuinfo: string | null = null;
    try {
      cpuinfo = Deno.readTextFileSync("/proc/cpuinfo"); // needs --allow-all
    } catch {
      return;
    }
    const all = cpuFlags(cpuinfo);
    assert.deepEqual([...flags].sort(), KNOWN.filter((f) => all.has(f)).sort());
  },
});
