import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { castTensor, concatRows, sliceRows } from "./batching.ts";

Deno.test("sliceRows returns a view of the rows", () => {
  const t = tensor([[1, 2], [3, 4], [5, 6]]);
  const s = sliceRows(t, 1, 3);
  assert.deepEqual(s.shape, [2, 2]);
  assert.deepEqual(s.toArray(), [[3, 4], [5, 6]]);
  assert.equal(s.data.buffer, t.data.buffer);
  assert.equal(sliceRows(t, 0, 3), t);
});

Deno.test("concatRows joins batch results in order", () => {
  const out = concatRows([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]);
  assert.deepEqual(out.shape, [3, 2]);
  assert.deepEqual(out.toArray(), [[1, 2], [3, 4], [5, 6]]);
});

Deno.test("concatRows refuses parts of different shapes", () => {
  assert.throws(
    () => concatRows([tensor([[1, 2]]), tensor([[1, 2, 3]])]),
    /Cannot join batch results of shapes \[1, 2\] \(float32\) and \[1, 3\]/,
  );
});

Deno.test("castTensor converts float to int32 and bool", () => {
  const t = tensor([1.7, -1.7, 0]);
  assert.deepEqual(castTensor(t, "int32").toArray(), [1, -1, 0]);
  assert.deepEqual(castTensor(t, "bool").toArray(), [1, 1, 0]);
  assert.equal(castTensor(t, "float32"), t);
});
