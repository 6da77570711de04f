import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { checkInputs, inputName } from "./_validate.ts";
import type { PoolTensorSpec } from "./types.ts";

const specs: PoolTensorSpec[] = [
  { shape: [null, 5, 3], dtype: "float32", node: { layer: { name: "seq" } } },
  { shape: [null, 6], dtype: "int32", name: "keras_tensor_2" },
];

Deno.test("checkInputs accepts matching tensors and returns the batch size", () => {
  const x = Tensor.zeros([4, 5, 3]);
  const ids = Tensor.zeros([4, 6], "int32");
  const { inputs, rows } = checkInputs("m", specs, [x, ids]);
  assert.equal(rows, 4);
  assert.deepEqual(inputs, [x, ids]);
  assert.equal(inputName(specs[1], 1), "keras_tensor_2");
});

Deno.test("checkInputs names the input and both shapes on a mismatch", () => {
  const ids = Tensor.zeros([4, 6], "int32");
  assert.throws(() => checkInputs("m", specs, [Tensor.zeros([4, 5]), ids]), {
    name: "TypeError",
    message: 'Input 0 ("seq") of model "m" is incompatible: expected shape (None, 5, 3), ' +
      "received shape (4, 5)",
  });
  assert.throws(() => checkInputs("m", specs, Tensor.zeros([4, 5, 3])), {
    name: "TypeError",
    message: 'Model "m" expects 2 input(s) (seq, keras_tensor_2), received 1',
  });
  assert.throws(
    () => checkInputs("m", specs, [Tensor.zeros([0, 5, 3]), Tensor.zeros([0, 6], "int32")]),
    {
      name: "RangeError",
      message: 'Model "m": predict() received inputs with 0 rows',
    },
  );
});
