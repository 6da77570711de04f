import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { NotEqual } from "./not_equal.ts";

Deno.test("NotEqual compares with the scalar extra argument", () => {
  const ids = tensor([[3, 0, 1], [0, 0, 2]], undefined, "int32");
  const y = new NotEqual().apply(ids, { extraArgs: [0] }) as Tensor;
  assert.equal(y.dtype, "bool");
  assert.deepEqual(y.toArray(), [[1, 0, 1], [0, 0, 1]]);
  const f = new NotEqual().apply(tensor([[0.1, 0]]), { extraArgs: [0.1] }) as Tensor;
  assert.deepEqual(f.toArray(), [[0, 1]]);
});

Deno.test("NotEqual compares two tensors, broadcasting size-1 dimensions", () => {
  const y = new NotEqual().apply([tensor([[1, 2], [3, 4]]), tensor([[1, 4]])]) as Tensor;
  assert.deepEqual(y.toArray(), [[0, 1], [1, 0]]);
});

Deno.test("NotEqual refuses a missing comparison value", () => {
  assert.throws(
    () => new NotEqual({ name: "ne" }).apply(tensor([1])),
    /NotEqual "ne": expected a second tensor or a number to compare with, received undefined/,
  );
});

Deno.test("NotEqual serializes as a Keras 3 operation node", () => {
  const ne = deserializeLayer({
    module: "keras.src.ops.numpy",
    class_name: "NotEqual",
    config: { name: "not_equal" },
    registered_name: "NotEqual",
  });
  assert.deepEqual(serializeLayer(ne), {
    module: "keras.src.ops.numpy",
    class_name: "NotEqual",
    config: { name: "not_equal" },
    registered_name: "NotEqual",
  });
});
