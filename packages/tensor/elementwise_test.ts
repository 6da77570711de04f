import assert from "node:assert/strict";
import { add, mul, select } from "./elementwise.ts";

Deno.test("add sums ranges with offsets, in place allowed", () => {
  const a = new Float32Array([9, 1, 2, 3]);
  const b = new Float32Array([10, 20, 30]);
  const out = new Float32Array(4);
  add(a, 1, b, 0, out, 1, 3);
  assert.deepEqual(Array.from(out), [0, 11, 22, 33]);
  add(b, 0, b, 0, b, 0, 2);
  assert.deepEqual(Array.from(b), [20, 40, 30]);
});

Deno.test("mul multiplies ranges with offsets", () => {
  const out = new Float32Array(3);
  mul(new Float32Array([2, 3, 4]), 1, new Float32Array([5, 6]), 0, out, 0, 2);
  assert.deepEqual(Array.from(out), [15, 24, 0]);
});

Deno.test("select takes a where the mask is set, b elsewhere, and never leaks NaN", () => {
  const mask = new Uint8Array([0, 1, 0, 1]);
  const a = new Float32Array([1, 2, NaN]);
  const b = new Float32Array([NaN, 7, 8]);
  const out = new Float32Array(3);
  select(mask, 1, a, 0, b, 0, out, 0, 3);
  assert.deepEqual(Array.from(out), [1, 7, NaN]);
  select(mask, 0, a, 0, b, 1, out, 0, 2);
  assert.deepEqual(Array.from(out), [7, 2, NaN]);
});
