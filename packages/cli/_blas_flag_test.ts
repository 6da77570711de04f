import assert from "node:assert/strict";
import { backendLine, takeBlasFlag } from "./_blas_flag.ts";

Deno.test("takeBlasFlag reads --blas with and without a path and leaves the rest", () => {
  assert.deepEqual(takeBlasFlag(["-m", "a.keras", "--blas"]), {
    rest: ["-m", "a.keras"],
    blas: true,
  });
  assert.deepEqual(takeBlasFlag(["--blas", "-q"]), { rest: ["-q"], blas: true });
  assert.deepEqual(takeBlasFlag(["--blas", "/x/libopenblas.so.0", "-q"]), {
    rest: ["-q"],
    blas: "/x/libopenblas.so.0",
  });
  assert.deepEqual(takeBlasFlag(["--blas=/y/libblis.so.4"]), { rest: [], blas: "/y/libblis.so.4" });
  assert.deepEqual(takeBlasFlag(["-m", "a.keras"]), { rest: ["-m", "a.keras"] });
});

Deno.test("backendLine names the library and kernel, or why BLAS is off", () => {
  const off = { active: false, library: null, kernel: null, reason: null };
  assert.equal(backendLine(off), "backend: WebAssembly core");
  assert.equal(
    backendLine({ ...off, reason: "no BLAS library found" }),
    "backend: WebAssembly core (BLAS off: no BLAS library found)",
  );
  assert.equal(
    backendLine({
      active: true,
      library: "libopenblas.so.0",
      kernel: "OpenBLAS 0.3.21",
      reason: null,
    }),
    "backend: BLAS libopenblas.so.0 (OpenBLAS 0.3.21)",
  );
});
