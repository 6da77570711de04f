import assert from "node:assert/strict";
import { probeRows } from "./_blas_rows.ts";
import { selfCheck } from "./_blas_selfcheck.ts";
import { coreTypeFor, cpuFlags, libraryCandidates } from "./_blas_discovery.ts";
import type { Sgemm } from "./_blas_ffi.ts";

/**
 * A row-major sgemm in JavaScript that rounds a row's sum through float32 `kChunks` times when
 * `roundsAt(M, i)` says so: a stand-in for kernels whose rows depend on M.
 */
function fakeSgemm(roundsAt: (m: number, row: number) => boolean): Sgemm {
  return ((...args: unknown[]) => {
    const [, , , m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = args as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      Float32Array,
      number,
      Float32Array,
      number,
      number,
      Float32Array,
      number,
    ];
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s += a[i * lda + p] * b[p * ldb + j];
          if (roundsAt(m, i) && p % 3 === 2) s = Math.fround(s);
        }
        c[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]);
      }
    }
  }) as unknown as Sgemm;
}

const B = new Float32Array(64 * 16).map((_, i) => Math.sin(i));

Deno.test("probeRows calls a row-independent kernel as it comes", () => {
  assert.deepEqual(probeRows(fakeSgemm(() => false), 64, 16, B, 0, 16), { minRows: 1 });
});

Deno.test("probeRows pads below a small-matrix bound", () => {
  assert.deepEqual(probeRows(fakeSgemm((m) => m <= 6), 64, 16, B, 0, 16), { minRows: 7 });
});

Deno.test("probeRows refuses a kernel whose rows depend on their position", () => {
  const rule = probeRows(fakeSgemm((_, row) => row % 12 >= 8), 64, 16, B, 0, 16);
  assert.deepEqual(rule, {
    refused: "rows of a 64×16 product depend on the number of rows with this BLAS kernel",
  });
});

Deno.test("probeRows refuses products too small to probe", () => {
  assert.deepEqual(probeRows(fakeSgemm(() => false), 4, 4, B, 0, 4), {
    refused: "4×4 is too small a product for BLAS to be row-independent",
    small: true,
  });
});

Deno.test("selfCheck passes an exact sgemm and names the first wrong element of a bad one", () => {
  assert.equal(selfCheck(fakeSgemm(() => false)), null);
  const writesNothing = (() => {}) as unknown as Sgemm;
  assert.equal(
    selfCheck(writesNothing),
    "self-check 3×4·4×5 failed: C[0, 0] is 2, expected -0.1875",
  );
});

Deno.test("coreTypeFor picks OpenBLAS's core type from the CPU flags", () => {
  const avx512 = "avx2 fma avx512f avx512cd avx512bw avx512dq avx512vl";
  const flags = (s: string) => cpuFlags(`processor : 0\nflags\t\t: ${s}\n`);
  assert.equal(coreTypeFor(flags(`${avx512} avx512_bf16`)), "COOPERLAKE");
  assert.equal(coreTypeFor(flags(avx512)), "SKYLAKEX");
  assert.equal(coreTypeFor(flags("sse4_2 avx avx2 fma")), "HASWELL");
  assert.equal(coreTypeFor(flags("sse4_2 avx")), null);
  assert.equal(coreTypeFor(cpuFlags("no flags here")), null);
});

Deno.test("libraryCandidates tries OpenBLAS, BLIS, then libblas on Linux; Accelerate on macOS", () => {
  assert.deepEqual(libraryCandidates("linux"), [
    "libopenblas.so.0",
    "libopenblas.so",
    "libblis.so.4",
    "libblis.so",
    "libblas.so.3",
  ]);
  assert.equal(
    libraryCandidates("darwin")[0],
    "/System/Library/Frameworks/Accelerate.framework/Accelerate",
  );
  assert.deepEqual(libraryCandidates("windows"), ["libopenblas.dll", "openblas.dll"]);
});
