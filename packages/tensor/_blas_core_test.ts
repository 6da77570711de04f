import assert from "node:assert/strict";
import { blasTakes, useBlas } from "./blas.ts";
import { ResidentArray, sgemmCore } from "./compute_core.ts";
import { packMatrix } from "./_gemm_packed_matrix.ts";
import { gemmNaive } from "./gemm_naive.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

const system = useBlas(true, { quiet: true });
useBlas(false);

Deno.test({
  name: "sgemmCore runs on BLAS when it is selected, for all three starts, and follows repacking",
  ignore: !system.active,
  fn() {
    const rng = new Random(3);
    const m = 9, k = 160, n = 130, lda = k + 2, ldc = n + 3;
    const w = randomF32(rng, k * n);
    const packed = packMatrix(w, 0, n, k, n);
    using a = new ResidentArray(m * lda), c = new ResidentArray(m * ldc);
    using bias = new ResidentArray(n);
    a.f32.set(randomF32(rng, m * lda));
    bias.f32.set(randomF32(rng, n));
    const c0 = randomF32(rng, m * ldc);
    for (const start of ["zero", "accumulate", "bias"] as const) {
      const results: Float32Array[] = [];
      for (const on of [false, true]) {
        useBlas(on, { quiet: true });
        try {
          c.f32.set(c0);
          sgemmCore(m, a.f32, 0, lda, packed, c.f32, 0, ldc, start, bias.f32);
          results.push(c.f32.slice());
        } finally {
          useBlas(false);
        }
      }
      const want = c0.slice();
      if (start === "bias") { for (let i = 0; i < m; i++) want.set(bias.f32, i * ldc); }
      gemmNaive(
        false,
        false,
        m,
        n,
        k,
        a.f32,
        0,
        lda,
        w,
        0,
        n,
        want,
        0,
        ldc,
        1,
        start === "zero" ? 0 : 1,
      );
      results[1].forEach((v, i) => {
        const gap = i % ldc >= n;
        if (gap) assert.equal(v, c0[i], `${start}: gap element ${i} untouched`);
        else {assert.ok(
            Math.abs(v - want[i]) <= 1e-5 + 1e-5 * Math.abs(want[i]),
            `${start} C[${i}]`,
          );}
      });
      useBlas(true, { quiet: true });
      const onBlas = blasTakes(k, n, w, 0, n);
      useBlas(false);
      // The core starts each sum from C (or the bias), sgemm adds C after the sum, so those
      // starts round differently. From zero, OpenBLAS's SkylakeX/Cooperlake kernels sum k ≤ 448
      // in order with fused multiply-adds, as the core does: the same bits.
      if (onBlas && start !== "zero") {
        assert.notDeepEqual(results[1], results[0], `${start}: BLAS rounds differently`);
      }
    }
    // Repacking new values into the same matrix must reach BLAS too.
    const w2 = w.map((v) => 2 * v);
    packMatrix(w2, 0, n, k, n, false, packed);
    useBlas(true, { quiet: true });
    try {
      sgemmCore(m, a.f32, 0, lda, packed, c.f32, 0, ldc, "zero");
    } finally {
      useBlas(false);
    }
    const want = new Float32Array(m * ldc);
    gemmNaive(false, false, m, n, k, a.f32, 0, lda, w2, 0, n, want, 0, ldc);
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(c.f32[j] - want[j]) <= 1e-5 + 1e-5 * Math.abs(want[j]));
    }
  },
});
