import assert from "node:assert/strict";
import { gemm } from "./gemm.ts";
import { gemmPacked, PackedMatrix, packMatrix } from "./gemm_packed.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";
import { useWasm, wasmKernels } from "./_gemm_wasm.ts";

/** Runs `fn` with the WebAssembly kernels, then with the JavaScript ones; names the run. */
function bothKernels(fn: (name: string) => void): void {
  assert.ok(wasmKernels !== null, "WebAssembly SIMD should be available in Deno");
  for (const on of [true, false]) {
    const was = useWasm(on);
    try {
      fn(on ? "wasm" : "js");
    } finally {
      useWasm(was);
    }
  }
}

/** gemmPacked and gemm on the same padded, offset operands; returns both C arrays. */
function runBoth(
  rng: Random,
  m: number,
  n: number,
  k: number,
  transB: boolean,
  alpha: number,
  beta: number,
  withBias: boolean,
) {
  const lda = k + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
  const aOff = 5, bOff = 2, cOff = 7, biasOff = 3;
  const a = randomF32(rng, aOff + m * lda);
  const b = randomF32(rng, bOff + (transB ? n : k) * ldb);
  const c0 = randomF32(rng, cOff + m * ldc + 4);
  const bias = withBias ? randomF32(rng, biasOff + n) : undefined;
  const got = c0.slice(), want = c0.slice();
  const packed = packMatrix(b, bOff, ldb, k, n, transB);
  gemmPacked(m, a, aOff, lda, packed, got, cOff, ldc, alpha, beta, bias, biasOff);
  // deno-fmt-ignore
  gemm(false, transB, m, n, k, a, aOff, lda, b, bOff, ldb, want, cOff, ldc, alpha, beta, bias, biasOff);
  return { got, want };
}

Deno.test("gemmPacked gives gemm's bits on odd sizes, with offsets, alpha, beta and bias", () => {
  bothKernels((kernels) => {
    const rng = new Random(5);
    for (const m of [1, 2, 3, 4, 5, 7, 13, 66, 131]) {
      for (const n of [1, 3, 4, 5, 12, 13, 25, 33]) {
        for (const k of [1, 7, 129, 300]) {
          const transB = (m + n + k) % 2 === 1;
          const [alpha, beta, bias] = [[1, 0, false], [1, 1, false], [0.5, 0, true], [2, -1, true]][
            (m * 7 + n * 3 + k) % 4
          ] as [number, number, boolean];
          const { got, want } = runBoth(rng, m, n, k, transB, alpha, beta, bias);
          assert.deepEqual(got, want, `${kernels}: m=${m} n=${n} k=${k} transB=${transB}`);
        }
      }
    }
  });
});

Deno.test("gemmPacked runs a batch row by row past 1024 columns (the WebAssembly row chunks)", () => {
  bothKernels((kernels) => {
    const { got, want } = runBoth(new Random(8), 2, 2051, 70, false, 1, 1, true);
    assert.deepEqual(got, want, kernels);
  });
});

Deno.test("gemmPacked gives a row the same bits alone, in the full batch, or in shards of 3", () => {
  bothKernels((kernels) => {
    const rng = new Random(9);
    const m = 71, n = 45;
    for (const k of [64, 300]) {
      const a = randomF32(rng, m * k), bias = randomF32(rng, n);
      const packed = packMatrix(randomF32(rng, k * n), 0, n, k, n);
      const run = (c: Float32Array, i0: number, rows: number) =>
        gemmPacked(rows, a, i0 * k, k, packed, c, i0 * n, n, 1, 0, bias);
      const full = new Float32Array(m * n);
      run(full, 0, m);
      const alone = new Float32Array(m * n);
      for (let i = 0; i < m; i++) run(alone, i, 1);
      const shards = new Float32Array(m * n);
      for (let i = 0; i < m; i += 3) run(shards, i, Math.min(3, m - i));
      assert.deepEqual(alone, full, `${kernels}: k=${k}`);
      assert.deepEqual(shards, full, `${kernels}: k=${k}`);
    }
  });
});

Deno.test("gemmPacked computes a hand-checked product and leaves NaN in C unread at beta 0", () => {
  const w = packMatrix(new Float32Array([1, 0, 0, 1, 1, 1]), 0, 2, 3, 2);
  const c = new Float32Array([NaN, NaN, NaN, NaN]);
  gemmPacked(2, new Float32Array([1, 2, 3, 4, 5, 6]), 0, 3, w, c, 0, 2, 1, 0);
  assert.deepEqual(Array.from(c), [4, 5, 10, 11]);
  // 2·[[4, 5], [10, 11]] + 3·C + [10, 20]
  gemmPacked(
    2,
    new Float32Array([1, 2, 3, 4, 5, 6]),
    0,
    3,
    w,
    c,
    0,
    2,
    2,
    3,
    new Float32Array([10, 20]),
  );
  assert.deepEqual(Array.from(c), [30, 45, 60, 75]);
});

Deno.test("gemmPacked handles k = 0 (C = beta·C + bias) and m or n = 0 (no write)", () => {
  const c = new Float32Array([1, 2, 3, 4]);
  const empty = packMatrix(new Float32Array(0), 0, 2, 0, 2);
  gemmPacked(2, new Float32Array(0), 0, 0, empty, c, 0, 2, 1, 0.5, new Float32Array([1, -1]));
  assert.deepEqual(Array.from(c), [1.5, 0, 2.5, 1]);
  const d = new Float32Array([9]);
  gemmPacked(0, new Float32Array(0), 0, 3, packMatrix(new Float32Array(3), 0, 1, 3, 1), d, 0, 1);
  gemmPacked(1, new Float32Array(3), 0, 3, new PackedMatrix(3, 0), d, 0, 0);
  assert.deepEqual(Array.from(d), [9]);
});

Deno.test("packMatrix lays columns out in zero-padded 4-column panels", () => {
  // 2×5, transposed storage (5×2): op(B)[p][j] = b[j·2 + p]
  const b = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const p = packMatrix(b, 0, 2, 2, 5, true);
  assert.equal(p.rows, 2);
  assert.equal(p.cols, 5);
  assert.deepEqual(Array.from(p.data), [1, 3, 5, 7, 2, 4, 6, 8, 9, 0, 0, 0, 10, 0, 0, 0]);
});

Deno.test("gemmPacked and packMatrix refuse bad arguments, naming them", () => {
  const x = new Float32Array(6);
  const p = packMatrix(x, 0, 2, 3, 2);
  assert.throws(() => packMatrix(x, 0, 1, 3, 2), {
    name: "RangeError",
    message: "packMatrix: ldb must be an integer >= 2 (the row length of B (k×n)), received 1",
  });
  assert.throws(() => packMatrix(x, 1, 2, 3, 2), {
    name: "RangeError",
    message: "packMatrix: B (k×n) is too short: a 3×2 matrix at offset 1 with ldb=2 reaches " +
      "index 6, but the array has 6 elements",
  });
  assert.throws(() => gemmPacked(-1, x, 0, 3, p, x, 0, 2), {
    name: "RangeError",
    message: "gemmPacked: m must be a non-negative integer, received -1",
  });
  assert.throws(() => gemmPacked(2, x, 0, 2, p, x, 0, 2), {
    name: "RangeError",
    message: "gemmPacked: lda must be an integer >= 3 (the row length of A (m×k)), received 2",
  });
  assert.throws(() => gemmPacked(2, x, 0, 3, x as unknown as PackedMatrix, x, 0, 2), {
    name: "TypeError",
    message: "gemmPacked: B must be a PackedMatrix (from packMatrix), received object",
  });
  assert.throws(() => gemmPacked(2, x, 0, 3, p, x, 0, 2, 1, 0, new Float32Array(1)), {
    name: "RangeError",
    message: "gemmPacked: bias needs n=2 values from offset 0, but the array has 1 elements",
  });
});

Deno.test("packMatrix refills the storage of `into` when the shape matches, else allocates", () => {
  const b = new Float32Array([1, 2, 3, 4, 5, 6]);
  const p = packMatrix(b, 0, 3, 2, 3);
  const again = packMatrix(b.map((v) => -v), 0, 3, 2, 3, false, p);
  assert.equal(again, p);
  assert.deepEqual(Array.from(p.data), [-1, -2, -3, 0, -4, -5, -6, 0]);
  const other = packMatrix(b, 0, 2, 3, 2, false, p);
  assert.notEqual(other, p);
  assert.deepEqual([other.rows, other.cols], [3, 2]);
});
