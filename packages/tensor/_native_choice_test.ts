import assert from "node:assert/strict";
import { NativeKernels, oneRowLimit, probeNativeKernels } from "./_native_choice.ts";
import { nativeSupport } from "./_native_exec.ts";
import type { NativeGemm } from "./_native_gemm.ts";
import { NativeRows } from "./_native_rows.ts";
import { blasStatus, useBlas } from "./blas.ts";
import { openLibrary } from "./_blas_ffi.ts";
import { probeRows } from "./_blas_rows.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

const support = nativeSupport();
const blas = useBlas(true, { quiet: true });
const library = blas.active ? openLibrary(blasStatus().library!) : null;
useBlas(false);

Deno.test("NativeKernels.product: whole products with AVX-512, else one-row code for a few rows", () => {
  const b = new Float32Array(64 * 64);
  const rows = new NativeRows(64, 64, b, 0, 64, [64]);
  const gemm = { blocks: [64] } as unknown as NativeGemm;
  const both = new NativeKernels(64, 64, [64], gemm, null, () => rows);
  assert.equal(both.product(1), gemm);
  assert.equal(both.product(1000), gemm);
  const onlyRows = new NativeKernels(512, 2048, [256, 256], null, rows, () => rows);
  assert.equal(onlyRows.product(6), rows);
  assert.equal(onlyRows.product(7), null);
  assert.equal(oneRowLimit(128, 512), 2);
  assert.equal(oneRowLimit(512, 2048), 6);
});

Deno.test({
  name: "probeNativeKernels: generated rows are the library's sgemm rows, bit for bit",
  ignore: !("ok" in support) || library === null || typeof library === "string",
  fn() {
    const sgemm = (library as Exclude<typeof library, string | null>).symbols.cblas_sgemm!;
    const rng = new Random(8);
    const openblas = blas.kernel?.includes("OpenBLAS") ?? false;
    let made = 0;
    for (const [k, n] of [[128, 512], [32, 512], [512, 2048], [64, 200], [640, 2048], [48, 3]]) {
      const b = randomF32(rng, k * n);
      const rule = probeRows(sgemm, k, n, b, 0, n);
      if ("refused" in rule) {
        console.log(`${k}×${n}: ${rule.refused}`);
        continue;
      }
      const kernels = probeNativeKernels(sgemm, k, n, b, 0, n, rule.minRows);
      if (typeof kernels === "string") {
        // OpenBLAS sums k ≤ 448 in one block: its rows are the plain fused sums.
        assert.ok(!openblas || k > 448, `${k}×${n} on OpenBLAS: ${kernels}`);
        console.log(`${k}×${n}: ${kernels}`);
        continue;
      }
      made++;
      // Kerno's rows on this library: those of products of at least minRows rows.
      const m = Math.max(rule.minRows, 40);
      const a = randomF32(rng, m * k), want = new Float32Array(m * n);
      sgemm(101, 111, 111, m, n, k, 1, a, k, b, n, 0, want, n);
      for (const rows of [1, 2, 7, 40]) {
        const product = kernels.product(rows);
        if (product === null) continue;
        const got = new Float32Array(rows * n);
        product.run(rows, a, 0, k, got, 0, n, false);
        assert.deepEqual(
          got,
          want.subarray(0, rows * n),
          `${k}×${n}, ${rows} rows, blocks ${kernels.blocks}`,
        );
      }
    }
    // Where the library's kernel is not row-independent (OPENBLAS_CORETYPE=Haswell) every shape is
    // refused above; tests/blas_chosen_core_test.ts runs this file again on the kernel Kerno picks.
    console.log(`generated code for ${made} of 6 shapes`);
  },
});
