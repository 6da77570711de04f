import assert from "node:assert/strict";
import { concat, reverseTime, slice, split, swapBatchTime } from "./shape_ops.ts";
import { tensor } from "./tensor.ts";

Deno.test("concat joins along any axis, negative axes counting from the end", () => {
  const a = tensor([[[1, 2]], [[3, 4]]]); // [2, 1, 2]
  const b = tensor([[[5]], [[6]]]); // [2, 1, 1]
  const c = concat([a, b], -1);
  assert.deepEqual(c.shape, [2, 1, 3]);
  assert.deepEqual(c.toArray(), [[[1, 2, 5]], [[3, 4, 6]]]);
  assert.deepEqual(concat([a, a], 1).toArray(), [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
  assert.deepEqual(concat([a, a], 0).shape, [4, 1, 2]);
});

Deno.test("concat keeps int32 and bool dtypes", () => {
  const c = concat([tensor([1, 2], [2], "int32"), tensor([3], [1], "int32")], 0);
  assert.ok(c.data instanceof Int32Array);
  assert.deepEqual(c.toArray(), [1, 2, 3]);
  assert.equal(concat([tensor([1], [1], "bool"), tensor([0], [1], "bool")], 0).dtype, "bool");
});

Deno.test("concat refuses empty lists, bad axes, mixed dtypes and mismatched shapes", () => {
  const a = tensor([[1, 2]]);
  assert.throws(() => concat([], 0), {
    name: "TypeError",
    message: "concat: expected a non-empty array of tensors, received none",
  });
  assert.throws(() => concat([a], 2), {
    name: "RangeError",
    message:
      "concat: axis 2 is out of range for a tensor of rank 2 (expected an integer in [-2, 1])",
  });
  assert.throws(() => concat([a, tensor([[1, 2]], undefined, "int32")], 0), {
    name: "TypeError",
    message: "concat: tensor 1 is int32, but tensor 0 is float32",
  });
  assert.throws(() => concat([a, tensor([[1, 2, 3]])], 0), {
    name: "TypeError",
    message:
      "concat: tensor 1 has shape [1, 3], incompatible with [1, 2] along axis 0 (all dimensions but the axis must match)",
  });
});

Deno.test("split cuts along an axis into the given sizes", () => {
  const t = tensor([[1, 2, 3, 4], [5, 6, 7, 8]]);
  const [a, b, c] = split(t, [1, 0, 3], -1);
  assert.deepEqual(a.toArray(), [[1], [5]]);
  assert.deepEqual(b.shape, [2, 0]);
  assert.deepEqual(c.toArray(), [[2, 3, 4], [6, 7, 8]]);
  assert.deepEqual(split(t, [1, 1], 0).map((p) => p.toArray()), [[[1, 2, 3, 4]], [[5, 6, 7, 8]]]);
  assert.throws(() => split(t, [1, 2], 1), {
    name: "RangeError",
    message: "split: sizes [1, 2] sum to 3, but axis 1 of shape [2, 4] has 4",
  });
  assert.throws(() => split(t, [5, -1], 1), {
    name: "RangeError",
    message: "split: sizes must be non-negative integers, received [5, -1]",
  });
});

Deno.test("slice copies a block, with -1 meaning to the end", () => {
  const t = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]); // [2, 3, 2]
  assert.deepEqual(slice(t, [1, 1, 0], [1, 2, 1]).toArray(), [[[9], [11]]]);
  assert.deepEqual(slice(t, [0, 2, 1], [-1, -1, -1]).toArray(), [[[6]], [[12]]]);
  assert.deepEqual(slice(t, [0, 0, 0], [2, 0, 2]).shape, [2, 0, 2]);
  assert.equal(slice(tensor(7), [], []).toArray(), 7);
  assert.throws(() => slice(t, [0, 2, 0], [1, 2, 2]), {
    name: "RangeError",
    message: "slice: begin 2 with size 2 does not fit axis 1 of length 3 (shape [2, 3, 2])",
  });
  assert.throws(() => slice(t, [0, 0], [1, 1]), {
    name: "RangeError",
    message:
      "slice: begin [0, 0] and size [1, 1] must both have 3 entries, one per axis of shape [2, 3, 2]",
  });
});

Deno.test("reverseTime reverses axis 1 of each sample", () => {
  const t = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
  assert.deepEqual(reverseTime(t).toArray(), [[[5, 6], [3, 4], [1, 2]], [[11, 12], [9, 10], [
    7,
    8,
  ]]]);
  assert.deepEqual(reverseTime(tensor([[1, 0, 1]], undefined, "bool")).toArray(), [[1, 0, 1]]);
  assert.throws(() => reverseTime(tensor([1, 2])), {
    name: "TypeError",
    message: "reverseTime: input must have rank >= 2, received shape [2]",
  });
});

Deno.test("swapBatchTime swaps axes 0 and 1", () => {
  const t = tensor([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]); // [2, 3, 2]
  const s = swapBatchTime(t);
  assert.deepEqual(s.shape, [3, 2, 2]);
  assert.deepEqual(s.toArray(), [[[1, 2], [7, 8]], [[3, 4], [9, 10]], [[5, 6], [11, 12]]]);
  assert.deepEqual(swapBatchTime(s).toArray(), t.toArray());
  assert.throws(() => swapBatchTime(tensor(1)), {
    name: "TypeError",
    message: "swapBatchTime: input must have rank >= 2, received shape []",
  });
});
