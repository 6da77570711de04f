import assert from "node:assert/strict";
import { blasProduct, blasStatus, blasTakes, useBlas, withBlas } from "./blas.ts";
import { gemmNaive } from "./gemm_naive.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

/** The system library, when this machine has one and the FFI permission is granted. */
const system = useBlas(true, { quiet: true });
useBlas(false);
const noLibrary = !system.active;
if (noLibrary) console.log(`BLAS backend tests skipped: ${system.reason}`);

function naive(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
  beta: 0 | 1,
) {
  gemmNaive(false, false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, 1, beta);
}

Deno.test("useBlas reports a missing library, a library without cblas_sgemm, and stays off", () => {
  const missing = useBlas("/nonexistent/libkerno-no-blas.so", { quiet: true });
  assert.equal(missing.active, false);
  const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  assert.match(
    missing.reason ?? "",
    ffi
      ? /libkerno-no-blas\.so: cannot open/
      : /^the FFI permission is not granted \(run with --allow-ffi\)$/,
  );
  assert.equal(blasStatus().active, false);
  assert.equal(
    blasProduct(
      1,
      1,
      1,
      new Float32Array(1),
      0,
      1,
      new Float32Array(1),
      0,
      1,
      new Float32Array(1),
      0,
      1,
      0,
    ),
    false,
  );
  assert.equal(useBlas("  ", { quiet: true }).reason, "the library path is empty");
  assert.throws(() => useBlas(3 as unknown as string), /expected true, false or a library path/);
});

Deno.test({
  name: "useBlas refuses a library that has no cblas_sgemm (libc)",
  ignore: noLibrary || Deno.build.os !== "linux",
  fn() {
    const libc = useBlas("libc.so.6", { quiet: true });
    assert.equal(libc.active, false);
    assert.equal(libc.reason, "libc.so.6 has no cblas_sgemm");
  },
});

Deno.test({
  name: "blasProduct matches the naive product with offsets, strides and both betas",
  ignore: noLibrary,
  fn() {
    const status = useBlas(true, { quiet: true });
    try {
      assert.equal(status.active, true);
      assert.ok((status.kernel ?? "").length > 0);
      // OpenBLAS's Haswell-era kernels change a row's bits with the rows beside it, so the probe
      // refuses their shapes (the caller's kernel runs); that core type can be forced from the
      // environment (OPENBLAS_CORETYPE). The AVX-512 kernels must take every shape here.
      const rowIndependent = /kernel (SkylakeX|Cooperlake|SapphireRapids)/.test(status.kernel!);
      const rng = new Random(11);
      for (const [m, n, k] of [[3, 40, 33], [70, 64, 128], [2, 512, 512]]) {
        for (const beta of [0, 1] as const) {
          const lda = k + 3, ldb = n + 1, ldc = n + 2;
          const a = randomF32(rng, 4 + m * lda), b = randomF32(rng, 2 + k * ldb);
          const c = randomF32(rng, 5 + m * ldc), want = c.slice();
          const took = blasProduct(m, n, k, a, 4, lda, b, 2, ldb, c, 5, ldc, beta);
          assert.equal(took, blasTakes(k, n, b, 2, ldb), `${k}×${n}: blasTakes agrees`);
          if (!took) {
            assert.ok(!rowIndependent, `${status.kernel} refused ${m}×${k}·${k}×${n}`);
            assert.deepEqual(c, want, "a refused product leaves C untouched");
            continue;
          }
          naive(m, n, k, a, 4, lda, b, 2, ldb, want, 5, ldc, beta);
          for (let i = 0; i < c.length; i++) {
            const gap = i < 5 || (i - 5) % ldc >= n;
            if (gap) assert.equal(c[i], want[i], `untouched element ${i}`);
            else {assert.ok(
                Math.abs(c[i] - want[i]) <= 1e-5 + 1e-5 * Math.abs(want[i]),
                `${m}×${k}·${k}×${n} C[${i}]`,
              );}
          }
        }
      }
      // A product too small to be probed for row independence is left to the caller.
      const one = new Float32Array(35);
      assert.equal(blasProduct(1, 7, 5, one, 0, 5, one, 0, 7, one, 0, 7, 0), false);
    } finally {
      useBlas(false);
    }
  },
});

Deno.test({
  name: "blasProduct gives every row the same bits whatever the rows beside it",
  ignore: noLibrary,
  fn() {
    useBlas(true, { quiet: true });
    try {
      const rng = new Random(5);
      // 512×512 is one of the shapes OpenBLAS's small-matrix path rounds differently (M ≤ 3).
      for (const [k, n] of [[512, 512], [160, 512], [32, 384]]) {
        const rows = 40;
        const a = randomF32(rng, rows * k), b = randomF32(rng, k * n);
        const whole = new Float32Array(rows * n);
        blasProduct(rows, n, k, a, 0, k, b, 0, n, whole, 0, n, 0);
        for (const [start, m] of [[0, 1], [1, 1], [3, 2], [7, 3], [9, 5], [17, 23]]) {
          const part = new Float32Array(m * n);
          blasProduct(m, n, k, a, start * k, k, b, 0, n, part, 0, n, 0);
          assert.deepEqual(
            part,
            whole.subarray(start * n, (start + m) * n),
            `${k}×${n} rows ${start}..${start + m}`,
          );
        }
      }
    } finally {
      useBlas(false);
    }
  },
});

Deno.test({
  name: "blasProduct throws on a detached view instead of passing a null pointer",
  ignore: noLibrary,
  fn() {
    useBlas(true, { quiet: true });
    try {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
      const a = new Float32Array(memory.buffer, 0, 64 * 64);
      memory.grow(1);
      const b = new Float32Array(64 * 64), c = new Float32Array(64 * 64);
      assert.throws(
        () => blasProduct(64, 64, 64, a, 0, 64, b, 0, 64, c, 0, 64, 0),
        /A is empty or its buffer was detached/,
      );
      assert.throws(
        () => blasProduct(64, 64, 64, b, 0, 64, b, 0, 64, c, 8, 64, 0),
        /C \(64×64 at offset 8, leading dimension 64\) does not fit its array of 4096 elements/,
      );
      // A view into live WebAssembly memory works, at an offset.
      const live = new Float32Array(memory.buffer);
      live.fill(0.5, 16, 16 + 64 * 64);
      b.fill(2);
      assert.equal(blasProduct(64, 64, 64, live, 16, 64, b, 0, 64, c, 0, 64, 0), true);
      assert.equal(c[64 * 64 - 1], 64);
    } finally {
      useBlas(false);
    }
  },
});

Deno.test({
  name: "withBlas switches for one call and restores the previous backend",
  ignore: noLibrary,
  fn() {
    useBlas(false);
    const inside = withBlas(true, () => blasStatus().active);
    assert.equal(inside, true);
    assert.equal(blasStatus().active, false);
    assert.equal(withBlas(undefined, () => blasStatus().active), false);
  },
});
