import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { castTensor, growRows, placeOutput, rowsOf, sliceRows } from "./batching.ts";

Deno.test("sliceRows returns a view of the rows", () => {
  const t = tensor([[1, 2], [3, 4], [5, 6]]);
  const s = sliceRows(t, 1, 3);
  assert.deepEqual(s.shape, [2, 2]);
  assert.deepEqual(s.toArray(), [[3, 4], [5, 6]]);
  assert.equal(s.data.buffer, t.data.buffer);
  assert.equal(sliceRows(t, 0, 3), t);
});

Deno.test("growRows copies the first batch into an output of all the rows", () => {
  const out = growRows(tensor([[1, 2]]), 3);
  assert.deepEqual(out.shape, [3, 2]);
  assert.deepEqual(out.toArray(), [[1, 2], [0, 0], [0, 0]]);
});

Deno.test("placeOutput copies into the destination unless the layer wrote there", () => {
  const dest = new Float32Array(2);
  const y = placeOutput("m", 0, tensor([[3, 4]]), dest);
  assert.equal(y.data, dest);
  assert.deepEqual(y.toArray(), [[3, 4]]);
  const same = new Tensor(dest, [1, 2]);
  assert.equal(placeOutput("m", 0, same, dest), same);
});

Deno.test("placeOutput refuses a batch result that does not fit its destination", () => {
  assert.throws(
    () => placeOutput("m", 1, tensor([[1, 2, 3]]), new Float32Array(2)),
    /Model "m": output 1 of shape \[1, 3\] \(float32\) does not fit the 2 values of its Float32Array destination/,
  );
});

Deno.test("rowsOf views rows of a destination", () => {
  const d = new Float32Array([1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...rowsOf(d, 1, 3, 3)!], [3, 4, 5, 6]);
  assert.equal(rowsOf(d, 1, 3, 3)!.buffer, d.buffer);
  assert.equal(rowsOf(null, 0, 1, 3), null);
});

Deno.test("castTensor converts float to int32 and bool", () => {
  const t = tensor([1.7, -1.7, 0]);
  assert.deepEqual(castTensor(t, "int32").toArray(), [1, -1, 0]);
  assert.deepEqual(castTensor(t, "bool").toArray(), [1, 1, 0]);
  assert.equal(castTensor(t, "float32"), t);
});
