/**
 * Where the BLAS backend looks for a library, and which OpenBLAS core type suits this CPU.
 *
 * @module
 */

/** The macOS system BLAS. */
export const ACCELERATE = "/System/Library/Frameworks/Accelerate.framework/Accelerate";

/**
 * Libraries to try, in order, on `os` (`Deno.build.os`): OpenBLAS, then BLIS, then a generic
 * `libblas.so.3` on Linux; Accelerate, then a Homebrew OpenBLAS on macOS; an `openblas.dll` on
 * the search path on Windows (there is no system BLAS there).
 */
export function libraryCandidates(os: string): string[] {
  switch (os) {
    case "darwin":
      return [
        ACCELERATE,
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "/usr/local/opt/openblas/lib/libopenblas.dylib",
      ];
    case "windows":
      return ["libopenblas.dll", "openblas.dll"];
    default:
      return ["libopenblas.so.0", "libopenblas.so", "libblis.so.4", "libblis.so", "libblas.so.3"];
  }
}

/**
 * The `OPENBLAS_CORETYPE` for a CPU with these `/proc/cpuinfo` flags, or `null` to let OpenBLAS
 * decide. Older OpenBLAS releases (Debian 12 ships 0.3.21) do not recognise recent CPUs and fall
 * back to their oldest kernels, about a fifth of the speed; naming the core type avoids that.
 */
export function coreTypeFor(flags: ReadonlySet<string>): string | null {
  const avx512 = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].every((f) =>
    flags.has(f)
  );
  if (avx512 && flags.has("avx512_bf16")) return "COOPERLAKE";
  if (avx512) return "SKYLAKEX";
  if (flags.has("avx2") && flags.has("fma")) return "HASWELL";
  return null;
}

/** The flags of the first processor in a `/proc/cpuinfo` text (empty when there are none). */
export function cpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split("\n").find((l) => /^flags\s*:/.test(l));
  return new Set(line === undefined ? [] : line.slice(line.indexOf(":") + 1).trim().split(/\s+/));
}
