import assert from "node:assert/strict";
import { gemmNaive } from "./gemm_naive.ts";

Deno.test("gemmNaive multiplies 2×2 matrices in each transpose combination", () => {
  const a = new Float32Array([1, 2, 3, 4]);
  const b = new Float32Array([5, 6, 7, 8]);
  const run = (ta: boolean, tb: boolean) => {
    const c = new Float32Array(4);
    gemmNaive(ta, tb, 2, 2, 2, a, 0, 2, b, 0, 2, c, 0, 2);
    return Array.from(c);
  };
  assert.deepEqual(run(false, false), [19, 22, 43, 50]);
  assert.deepEqual(run(true, false), [26, 30, 38, 44]);
  assert.deepEqual(run(false, true), [17, 23, 39, 53]);
  assert.deepEqual(run(true, true), [23, 31, 34, 46]);
});

Deno.test("gemmNaive honours offsets, leading dimensions, alpha, beta and bias", () => {
  // A = [[1, 2]] stored at offset 1 with lda 3; B = [[1], [1]] at offset 2 with ldb 2.
  const a = new Float32Array([9, 1, 2, 9]);
  const b = new Float32Array([9, 9, 1, 9, 1]);
  const c = new Float32Array([0, 4]);
  gemmNaive(false, false, 1, 1, 2, a, 1, 3, b, 2, 2, c, 1, 1, 2, 0.5, new Float32Array([0, 10]), 1);
  assert.deepEqual(Array.from(c), [0, 2 * 3 + 0.5 * 4 + 10]);
});

Deno.test("gemmNaive refuses an array too short for its matrix", () => {
  assert.throws(
    () =>
      gemmNaive(
        false,
        false,
        1,
        1,
        2,
        new Float32Array(1),
        0,
        2,
        new Float32Array(2),
        0,
        1,
        new Float32Array(1),
        0,
        1,
      ),
    {
      name: "RangeError",
      message:
        "gemmNaive: A (m×k) is too short: a 1×2 matrix at offset 0 with lda=2 reaches index 1, " +
        "but the array has 1 elements",
    },
  );
});
