import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { Any } from "./any.ts";

const ctx = { initialState: null, extraArgs: [] };

Deno.test("Any reduces along an axis, with and without keepdims", () => {
  const x = tensor([[[0, 1], [0, 0]], [[2, 0], [0, 0]]]);
  assert.deepEqual((new Any({ axis: -1 }).apply(x) as Tensor).toArray(), [[1, 0], [1, 0]]);
  const k = new Any({ axis: -1, keepdims: true }).apply(x) as Tensor;
  assert.deepEqual(k.shape, [2, 2, 1]);
  assert.deepEqual((new Any({ axis: [1, 2] }).apply(x) as Tensor).toArray(), [1, 1]);
  assert.deepEqual((new Any({ axis: 0 }).apply(x) as Tensor).toArray(), [[1, 1], [0, 0]]);
  const all = new Any().apply(x) as Tensor;
  assert.deepEqual(all.shape, []);
  assert.equal(all.toArray(), 1);
  assert.equal((new Any().apply(tensor([0, 0])) as Tensor).toArray(), 0);
  assert.equal(all.dtype, "bool");
});

Deno.test("Any output shape", () => {
  assert.deepEqual(new Any({ axis: -1 }).computeOutputShape([[null, 6, 3]], ctx), [[null, 6]]);
  assert.deepEqual(new Any({ axis: 1, keepdims: true }).computeOutputShape([[null, 6, 3]], ctx), [
    [null, 1, 3],
  ]);
  assert.throws(
    () => new Any({ name: "any", axis: 3 }).computeOutputShape([[null, 6, 3]], ctx),
    /Any "any": axis 3 is out of range for rank 3/,
  );
});

Deno.test("Any serializes as a Keras 3 operation node", () => {
  const any = deserializeLayer({
    module: "keras.src.ops.numpy",
    class_name: "Any",
    config: { name: "any", axis: -1, keepdims: false },
    registered_name: "Any",
  });
  assert.deepEqual(serializeLayer(any), {
    module: "keras.src.ops.numpy",
    class_name: "Any",
    config: { name: "any", axis: -1, keepdims: false },
    registered_name: "Any",
  });
  assert.deepEqual(any.outputDtypes(["float32"]), ["bool"]);
  assert.throws(
    () => deserializeLayer({ class_name: "Any", config: { name: "any", where: 1 } }),
    /Any layer "any": unsupported argument "where" = 1/,
  );
});
