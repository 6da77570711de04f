import assert from "node:assert/strict";
import { formatShape, shapeSize, Tensor, tensor } from "./tensor.ts";

Deno.test("tensor builds from nested arrays and infers the shape", () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, "float32");
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(tensor([[[0.5]], [[1.5]]]).shape, [2, 1, 1]);
  assert.deepEqual(tensor([[]]).shape, [1, 0]);
  assert.deepEqual(tensor(5).shape, []);
});

Deno.test("tensor builds from flat values and a shape, any dtype", () => {
  const t = tensor([0.1, 0.2, 0.3], [1, 3, 1]);
  assert.deepEqual(t.shape, [1, 3, 1]);
  assert.equal(t.data[1], Math.fround(0.2));
  assert.deepEqual(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]).toArray(), [[1, 2], [3, 4]]);
  const ids = tensor([[1, 2, 0]], undefined, "int32");
  assert.ok(ids.data instanceof Int32Array);
  assert.ok(tensor([1, 0], [2], "bool").data instanceof Uint8Array);
  // Nested values with an explicit shape of the same size are reshaped.
  assert.deepEqual(tensor([[1, 2], [3, 4]], [4]).shape, [4]);
});

Deno.test("Tensor.toArray round-trips nested arrays, scalars and empty tensors", () => {
  const nested = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
  assert.deepEqual(tensor(nested).toArray(), nested);
  assert.equal(tensor(5).toArray(), 5);
  assert.deepEqual(Tensor.zeros([2, 0]).toArray(), [[], []]);
});

Deno.test("Tensor refuses data whose length does not match the shape", () => {
  assert.throws(() => new Tensor(new Float32Array(5), [2, 3]), {
    name: "RangeError",
    message: "Shape [2, 3] needs 6 values, but the data has 5",
  });
  assert.throws(() => tensor([1, 2, 3], [2, 2]), {
    name: "RangeError",
    message: "Shape [2, 2] needs 4 values, but 3 were given",
  });
});

Deno.test("Tensor refuses negative and fractional dimensions", () => {
  assert.throws(() => tensor([1, 2], [2, -1]), {
    name: "RangeError",
    message: "Invalid shape [2, -1]: dimension 1 must be a non-negative integer, received -1",
  });
  assert.throws(() => Tensor.zeros([1.5]), {
    name: "RangeError",
    message: "Invalid shape [1.5]: dimension 0 must be a non-negative integer, received 1.5",
  });
  assert.throws(() => shapeSize([3, NaN], "kernel shape"), {
    name: "RangeError",
    message:
      "Invalid kernel shape [3, NaN]: dimension 1 must be a non-negative integer, received NaN",
  });
});

Deno.test("tensor refuses ragged nested arrays and says where", () => {
  assert.throws(() => tensor([[1, 2], [3]]), {
    name: "TypeError",
    message:
      "Ragged nested array: expected 2 elements at index [1] (shape [2, 2]), received 1 elements",
  });
  assert.throws(() => tensor([[1, [2]], [3, 4]]), {
    name: "TypeError",
    message:
      "Ragged nested array: expected a number at index [0][1], received an array of length 1",
  });
  assert.throws(() => tensor([[[1, 2]], [[3]]]), {
    name: "TypeError",
    message:
      "Ragged nested array: expected 2 elements at index [1][0] (shape [2, 1, 2]), received 1 elements",
  });
});

Deno.test("Tensor.f32 returns float32 data and refuses other dtypes", () => {
  assert.ok(tensor([1]).f32 instanceof Float32Array);
  assert.throws(() => tensor([1], undefined, "int32").f32, {
    name: "TypeError",
    message: "Expected a float32 tensor, received int32",
  });
});

Deno.test("Tensor.reshape shares data, clone copies it", () => {
  const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const r = t.reshape([3, 2]);
  assert.equal(r.data, t.data);
  assert.deepEqual(r.toArray(), [[1, 2], [3, 4], [5, 6]]);
  const c = t.clone();
  c.data[0] = 9;
  assert.equal(t.data[0], 1);
  assert.throws(() => t.reshape([4]), {
    name: "RangeError",
    message: "Shape [4] needs 4 values, but the data has 6",
  });
});

Deno.test("Tensor works over a SharedArrayBuffer view and freezes its shape", () => {
  const data = new Float32Array(new SharedArrayBuffer(16));
  const t = new Tensor(data, [2, 2]);
  assert.equal(t.f32.buffer, data.buffer);
  assert.ok(Object.isFrozen(t.shape));
  assert.equal(t.size, 4);
  assert.equal(t.rank, 2);
  assert.equal(t.toString(), "Tensor(float32, [2, 2])");
});

Deno.test("formatShape prints Keras's tuple notation", () => {
  assert.equal(formatShape([null, 5, 3]), "(None, 5, 3)");
  assert.equal(formatShape([4]), "(4,)");
  assert.equal(formatShape([]), "()");
});
