import assert from "node:assert/strict";
import { gemm } from "./gemm.ts";
import { gemmNaive } from "./gemm_naive.ts";
import { Random } from "./random.ts";
import { compareClose } from "./all_close.ts";
import { randomF32 } from "./_test_util.ts";
import { useWasm } from "./_gemm_wasm.ts";

const SIZES = [1, 3, 7, 13, 33, 65, 129];
const COMBOS: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** Runs gemm and gemmNaive on the same padded, offset operands; returns both C arrays. */
function runBoth(
  rng: Random,
  { m, n, k, transA, transB }: Case,
  alpha = 1,
  beta = 0,
  bias = false,
) {
  const lda = (transA ? m : k) + 3, ldb = (transB ? k : n) + 1, ldc = n + 2;
  const aOff = 5, bOff = 2, cOff = 7, biasOff = 3;
  const a = randomF32(rng, aOff + (transA ? k : m) * lda);
  const b = randomF32(rng, bOff + (transB ? n : k) * ldb);
  const c0 = randomF32(rng, cOff + m * ldc + 4);
  const bv = bias ? randomF32(rng, biasOff + n) : undefined;
  const got = c0.slice(), want = c0.slice();
  gemm(
    transA,
    transB,
    m,
    n,
    k,
    a,
    aOff,
    lda,
    b,
    bOff,
    ldb,
    got,
    cOff,
    ldc,
    alpha,
    beta,
    bv,
    biasOff,
  );
  gemmNaive(
    transA,
    transB,
    m,
    n,
    k,
    a,
    aOff,
    lda,
    b,
    bOff,
    ldb,
    want,
    cOff,
    ldc,
    alpha,
    beta,
    bv,
    biasOff,
  );
  return { got, want };
}

Deno.test("gemm matches gemmNaive bit for bit on odd sizes, all transposes, with offsets", () => {
  const rng = new Random(7);
  let count = 0;
  for (const [transA, transB] of COMBOS) {
    for (const s of SIZES) {
      const other = () => SIZES[Math.floor(rng.next() * 5)];
      for (
        const c of [
          { m: s, n: other(), k: other() },
          { m: other(), n: s, k: other() },
          { m: other(), n: other(), k: s },
        ]
      ) {
        const { got, want } = runBoth(rng, { ...c, transA, transB }, 0.75, 0.5, true);
        // k ≤ 256 is one k-block: the same double sum, rounded once, as the oracle.
        assert.deepEqual(got, want, JSON.stringify({ ...c, transA, transB }));
        count++;
      }
    }
  }
  assert.equal(count, 84);
});

Deno.test("gemm gives the same bits with its JavaScript and its WebAssembly kernels", () => {
  for (const [transA, transB] of COMBOS) {
    for (const c of [{ m: 9, n: 17, k: 700 }, { m: 70, n: 530, k: 257 }, { m: 8, n: 3, k: 1 }]) {
      const run = (wasm: boolean) => {
        const was = useWasm(wasm);
        try {
          return runBoth(new Random(21), { ...c, transA, transB }, 0.5, 2, true).got;
        } finally {
          useWasm(was);
        }
      };
      assert.deepEqual(run(true), run(false), `${JSON.stringify(c)} ${transA} ${transB}`);
    }
  }
});

Deno.test("gemm stays within 1e-5 of gemmNaive across several k-blocks and n-blocks", () => {
  const rng = new Random(11);
  for (const [transA, transB] of COMBOS) {
    for (const c of [{ m: 9, n: 17, k: 700 }, { m: 70, n: 530, k: 257 }]) {
      const { got, want } = runBoth(rng, { ...c, transA, transB }, 1, 1, true);
      const r = compareClose(got, want, { atol: 1e-5, rtol: 1e-5 });
      assert.ok(r.ok, `${JSON.stringify(c)} ${transA} ${transB}: max diff ${r.maxAbsDiff}`);
    }
  }
});

Deno.test("gemm gives a row the same bits alone, in the full batch, or in shards of 5", () => {
  const rng = new Random(3);
  const m = 37, n = 45;
  for (const k of [64, 300]) {
    for (const [transA, transB] of COMBOS) {
      const lda = transA ? m : k, ldb = transB ? k : n;
      const a = randomF32(rng, m * k), b = randomF32(rng, k * n), bias = randomF32(rng, n);
      // Row i of op(A) starts at i·lda, or at column i of the stored k×m matrix when transA.
      const rowOffset = (i: number) => (transA ? i : i * lda);
      const run = (c: Float32Array, i0: number, rows: number) =>
        gemm(
          transA,
          transB,
          rows,
          n,
          k,
          a,
          rowOffset(i0),
          lda,
          b,
          0,
          ldb,
          c,
          i0 * n,
          n,
          1,
          0,
          bias,
        );
      const full = new Float32Array(m * n);
      run(full, 0, m);
      const alone = new Float32Array(m * n);
      for (let i = 0; i < m; i++) run(alone, i, 1);
      const shards = new Float32Array(m * n);
      for (let i = 0; i < m; i += 5) run(shards, i, Math.min(5, m - i));
      assert.deepEqual(alone, full, `k=${k} transA=${transA} transB=${transB}`);
      assert.deepEqual(shards, full, `k=${k} transA=${transA} transB=${transB}`);
    }
  }
});

Deno.test("gemm computes a hand-checked product with alpha, beta and bias", () => {
  const a = new Float32Array([1, 2, 3, 4, 5, 6]); // 2×3
  const b = new Float32Array([1, 0, 0, 1, 1, 1]); // 3×2
  const c = new Float32Array([1, 1, 1, 1]);
  gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, 2, 3, new Float32Array([10, 20]));
  // a·b = [[4, 5], [10, 11]] → 2·ab + 3·1 + bias
  assert.deepEqual(Array.from(c), [21, 33, 33, 45]);
});

Deno.test("gemm with beta = 0 never reads C, so NaN there does not leak", () => {
  const c = new Float32Array([NaN, NaN]);
  gemm(false, false, 1, 2, 1, new Float32Array([2]), 0, 1, new Float32Array([3, 4]), 0, 2, c, 0, 2);
  assert.deepEqual(Array.from(c), [6, 8]);
});

Deno.test("gemm handles k = 0 (C = beta·C + bias) and m or n = 0 (no write)", () => {
  const c = new Float32Array([1, 2, 3, 4]);
  gemm(
    false,
    false,
    2,
    2,
    0,
    new Float32Array(0),
    0,
    0,
    new Float32Array(0),
    0,
    2,
    c,
    0,
    2,
    1,
    0.5,
    new Float32Array([1, -1]),
  );
  assert.deepEqual(Array.from(c), [1.5, 0, 2.5, 1]);
  const d = new Float32Array([9]);
  gemm(false, false, 0, 1, 3, new Float32Array(0), 0, 3, new Float32Array(3), 0, 1, d, 0, 1);
  gemm(false, false, 1, 0, 3, new Float32Array(3), 0, 3, new Float32Array(0), 0, 0, d, 0, 0);
  assert.deepEqual(Array.from(d), [9]);
});

Deno.test("gemm works on SharedArrayBuffer views", () => {
  const sab = new SharedArrayBuffer(4 * 12);
  const all = new Float32Array(sab);
  all.set([1, 2, 3, 4, 1, 0, 0, 1]); // A 2×2 at 0, B 2×2 at 4, C at 8
  gemm(false, false, 2, 2, 2, all, 0, 2, all, 4, 2, all, 8, 2);
  assert.deepEqual(Array.from(all.subarray(8)), [1, 2, 3, 4]);
});

Deno.test("gemm refuses bad dimensions, leading dimensions and short arrays", () => {
  const x = new Float32Array(6);
  assert.throws(() => gemm(false, false, -1, 2, 3, x, 0, 3, x, 0, 2, x, 0, 2), {
    name: "RangeError",
    message: "gemm: m must be a non-negative integer, received -1",
  });
  assert.throws(() => gemm(false, false, 2, 2, 3, x, 0, 2, x, 0, 2, x, 0, 2), {
    name: "RangeError",
    message: "gemm: lda must be an integer >= 3 (the row length of A (m×k)), received 2",
  });
  assert.throws(() => gemm(false, false, 2, 2, 3, x, 1, 3, x, 0, 2, x, 0, 2), {
    name: "RangeError",
    message: "gemm: A (m×k) is too short: a 2×3 matrix at offset 1 with lda=3 reaches index 6, " +
      "but the array has 6 elements",
  });
  assert.throws(() => gemm(false, true, 2, 2, 3, x, 0, 3, x, 0, 2, x, 0, 2), {
    name: "RangeError",
    message: "gemm: ldb must be an integer >= 3 (the row length of B (n×k, transB)), received 2",
  });
  assert.throws(
    () => gemm(false, false, 2, 2, 3, x, 0, 3, x, 0, 2, x, 0, 2, 1, 0, new Float32Array(1)),
    {
      name: "RangeError",
      message: "gemm: bias needs n=2 values from offset 0, but the array has 1 elements",
    },
  );
});
