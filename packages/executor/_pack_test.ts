import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { packWeights, sharedWeights, stillShared } from "./_pack.ts";

Deno.test("packWeights copies weights into one aligned shared buffer and repoints them", () => {
  const vars = [
    { value: new Tensor(new Float32Array([1, 2, 3]), [3]) },
    { value: new Tensor(new Float32Array([4, 5, 6, 7]), [2, 2]) },
  ];
  const packed = packWeights(vars);
  assert.ok(packed.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(packed.layout, [{ byteOffset: 0, shape: [3] }, {
    byteOffset: 64,
    shape: [2, 2],
  }]);
  assert.equal(vars[1].value.data.buffer, packed.buffer);
  assert.deepEqual(Array.from(vars[1].value.data), [4, 5, 6, 7]);
  assert.ok(stillShared(vars, packed));
  assert.equal(packWeights(vars).buffer, packed.buffer, "already shared: reused");
  vars[0].value = new Tensor(new Float32Array([9, 9, 9]), [3]);
  assert.equal(stillShared(vars, packed), false);
  assert.equal(sharedWeights(vars), null);
});

Deno.test("packWeights refuses a weight that is not float32", () => {
  assert.throws(() => packWeights([{ value: new Tensor(new Int32Array([1]), [1]) }]), {
    name: "TypeError",
    message: "Weight 0 must be float32 to be shared, received int32",
  });
});
