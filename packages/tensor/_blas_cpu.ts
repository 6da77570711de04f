/**
 * This CPU's feature flags, for choosing OpenBLAS's core type: from `/proc/cpuinfo` where Deno
 * lets us read it (it wants `--allow-all` for that file), else from glibc's public x86 feature
 * API (`__x86_get_cpuid_feature_leaf`, `<sys/platform/x86.h>`, glibc 2.33+) over FFI, which the
 * BLAS backend has anyway. Only the flags `coreTypeFor` looks at are reported from glibc, and
 * only when the OS enables them (glibc's "active" bits).
 *
 * @module
 */
import { cpuFlags } from "./_blas_discovery.ts";

/** glibc's leaf indices and the bits Kerno needs: [flag, leaf index, register, bit]. */
const GLIBC_BITS: readonly [string, number, number, number][] = [
  ["fma", 0, 2, 12], // CPUID 1, ECX
  ["avx2", 1, 1, 5], // CPUID 7, EBX
  ["avx512f", 1, 1, 16],
  ["avx512dq", 1, 1, 17],
  ["avx512cd", 1, 1, 28],
  ["avx512bw", 1, 1, 30],
  ["avx512vl", 1, 1, 31],
  ["avx512_bf16", 6, 0, 5], // CPUID 7 subleaf 1, EAX
];

/** The CPU's flags, or `null` when neither source can be read (or this is not x86-64 Linux). */
export function readCpuFlags(canRead: boolean): Set<string> | null {
  if (Deno.build.os !== "linux") return null;
  if (canRead) {
    try {
      return cpuFlags(Deno.readTextFileSync("/proc/cpuinfo"));
    } catch {
      // Deno refuses /proc/cpuinfo without --allow-all: ask glibc instead.
    }
  }
  return Deno.build.arch === "x86_64" ? glibcFlags() : null;
}

function glibcFlags(): Set<string> | null {
  let libc: Deno.DynamicLibrary<{
    __x86_get_cpuid_feature_leaf: { parameters: ["u32"]; result: "pointer"; optional: true };
  }>;
  try {
    libc = Deno.dlopen("libc.so.6", {
      __x86_get_cpuid_feature_leaf: { parameters: ["u32"], result: "pointer", optional: true },
    });
  } catch {
    return null;
  }
  try {
    const leaf = libc.symbols.__x86_get_cpuid_feature_leaf;
    if (leaf === null) return null;
    const flags = new Set<string>();
    for (const [flag, index, register, bit] of GLIBC_BITS) {
      const p = leaf(index);
      if (p === null) continue;
      // struct cpuid_feature { unsigned int cpuid_array[4]; unsigned int active_array[4]; }
      const active = new Deno.UnsafePointerView(p).getUint32(16 + 4 * register);
      if ((active >>> bit) & 1) flags.add(flag);
    }
    return flags;
  } finally {
    libc.close();
  }
}
