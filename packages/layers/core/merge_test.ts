import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { deserializeLayer } from "../registry.ts";
import { Add, Average, Maximum, Minimum, Multiply, Subtract } from "./merge.ts";

const a = () => tensor([[1, -2, 3], [4, 5, -6]]);
const b = () => tensor([[0.5, 2, -3], [1, 1, 1]]);
const c = () => tensor([[2, 2, 2], [-1, 0, 10]]);

Deno.test("Add, Subtract, Multiply, Average, Maximum, Minimum combine elementwise", () => {
  const run = (l: { apply: Add["apply"] }, xs: Tensor[]) => (l.apply(xs) as Tensor).toArray();
  assert.deepEqual(run(new Add(), [a(), b(), c()]), [[3.5, 2, 2], [4, 6, 5]]);
  assert.deepEqual(run(new Subtract(), [a(), b()]), [[0.5, -4, 6], [3, 4, -7]]);
  assert.deepEqual(run(new Multiply(), [a(), b()]), [[0.5, -4, -9], [4, 5, -6]]);
  assert.deepEqual(run(new Average(), [a(), b(), c()]), [
    [Math.fround(3.5 / 3), Math.fround(2 / 3), Math.fround(2 / 3)],
    [Math.fround(4 / 3), 2, Math.fround(5 / 3)],
  ]);
  assert.deepEqual(run(new Maximum(), [a(), b(), c()]), [[2, 2, 3], [4, 5, 10]]);
  assert.deepEqual(run(new Minimum(), [a(), b(), c()]), [[0.5, -2, -3], [-1, 0, -6]]);
});

Deno.test("Add broadcasts size-1 dimensions and expands lower ranks at axis 1", () => {
  const x = tensor([[[1, 2], [3, 4], [5, 6]]]); // (1, 3, 2)
  const row = tensor([[10, 20]]); // (1, 2) → (1, 1, 2)
  const y = new Add().apply([x, row]) as Tensor;
  assert.deepEqual(y.toArray(), [[[11, 22], [13, 24], [15, 26]]]);
  const col = tensor([[[100], [200], [300]]]); // (1, 3, 1)
  assert.deepEqual((new Add().apply([x, col]) as Tensor).toArray(), [
    [[101, 102], [203, 204], [305, 306]],
  ]);
});

Deno.test("Merge output shape and errors read like Keras's", () => {
  const ctx = { initialState: null, extraArgs: [] };
  assert.deepEqual(new Add().computeOutputShape([[null, 5, 3], [null, 5, 3]], ctx), [[
    null,
    5,
    3,
  ]]);
  assert.deepEqual(new Add().computeOutputShape([[null, 5, 1], [4, 5, 3]], ctx), [[4, 5, 3]]);
  assert.throws(
    () => new Add({ name: "add" }).computeOutputShape([[null, 5, 3], [null, 4, 3]], ctx),
    /Layer "add" \(Add\): inputs have incompatible shapes. Received shapes \(5, 3\) and \(4, 3\)/,
  );
  assert.throws(
    () => new Add({ name: "add2" }).computeOutputShape([[2, 3], [4, 3]], ctx),
    /cannot merge tensors with different batch sizes. Received tensors with shapes \[\(2, 3\), \(4, 3\)\]/,
  );
  assert.throws(
    () => new Subtract({ name: "sub" }).apply([a(), b(), c()]),
    /A Subtract layer should be called on exactly 2 inputs \(layer "sub"\). Received 3 inputs/,
  );
});

Deno.test("Merge masks: OR when every input has one, else none", () => {
  const x = tensor([[[1], [2]]]);
  const y = tensor([[[3], [4]]]);
  setMaskOf(x, tensor([[1, 0]], undefined, "bool"));
  setMaskOf(y, tensor([[0, 0]], undefined, "bool"));
  assert.deepEqual(maskOf(new Add().apply([x, y]) as Tensor)!.toArray(), [[1, 0]]);
  assert.equal(maskOf(new Add().apply([x, tensor([[[0], [0]]])]) as Tensor), null);
  assert.deepEqual(new Add().outputsHaveMask([true, true]), [true]);
  assert.deepEqual(new Add().outputsHaveMask([true, false]), [false]);
});

Deno.test("Merge layers deserialize from Keras configs", () => {
  const dtype = {
    module: "keras",
    class_name: "DTypePolicy",
    config: { name: "float32" },
    registered_name: null,
  };
  for (const cls of ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]) {
    const config = { name: cls.toLowerCase(), trainable: true, dtype };
    const layer = deserializeLayer({ module: "keras.layers", class_name: cls, config });
    assert.equal(layer.className, cls);
    assert.deepEqual(layer.getConfig(), config);
  }
  assert.throws(
    () => deserializeLayer({ class_name: "Add", config: { name: "add", axis: 1 } }),
    /Add layer "add": unsupported argument "axis" = 1/,
  );
});
