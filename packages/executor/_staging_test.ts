import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { rowsRef, sharedOutput, Stager, stagingBytesPerRow, viewOf } from "./_staging.ts";

Deno.test("Stager copies a window of a plain input and passes a shared one through", () => {
  const plain = new Tensor(Float32Array.from({ length: 12 }, (_, i) => i), [6, 2]);
  const sab = new Int32Array(new SharedArrayBuffer(24));
  sab.set([1, 2, 3, 4, 5, 6]);
  const shared = new Tensor(sab, [6, 1]);
  assert.equal(stagingBytesPerRow([plain, shared]), 8);
  const stager = new Stager([plain, shared], 2);
  const [a, b] = stager.stage({ start: 2, end: 4 });
  assert.deepEqual(Array.from(viewOf(rowsRef(a, { start: 3, end: 4 }))), [6, 7]);
  assert.equal(b.buffer, sab.buffer);
  assert.deepEqual(rowsRef(b, { start: 3, end: 5 }).shape, [2, 1]);
  assert.deepEqual(Array.from(viewOf(rowsRef(b, { start: 3, end: 5 }))), [4, 5]);
});

Deno.test("sharedOutput allocates a zeroed tensor in shared memory", () => {
  const { tensor, rows } = sharedOutput("float32", 3, [2]);
  assert.deepEqual(tensor.shape, [3, 2]);
  assert.ok(tensor.data.buffer instanceof SharedArrayBuffer);
  viewOf(rowsRef(rows, { start: 1, end: 2 })).set([7, 8]);
  assert.deepEqual(Array.from(tensor.data), [0, 0, 7, 8, 0, 0]);
});
