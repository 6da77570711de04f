import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { Concatenate } from "./concatenate.ts";

const ctx = { initialState: null, extraArgs: [] };

Deno.test("Concatenate joins along the last axis in list order", () => {
  const y = new Concatenate().apply([tensor([[1, 2], [3, 4]]), tensor([[5], [6]])]) as Tensor;
  assert.deepEqual(y.toArray(), [[1, 2, 5], [3, 4, 6]]);
});

Deno.test("Concatenate joins along axis 1", () => {
  const y = new Concatenate({ axis: 1 }).apply([
    tensor([[[1, 2]], [[3, 4]]]),
    tensor([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]),
  ]) as Tensor;
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(y.toArray(), [[[1, 2], [5, 6], [7, 8]], [[3, 4], [9, 10], [11, 12]]]);
});

Deno.test("Concatenate output shape sums the axis and refuses mismatches", () => {
  const c = new Concatenate({ name: "concatenate" });
  assert.deepEqual(c.computeOutputShape([[null, 6], [null, 6]], ctx), [[null, 12]]);
  assert.deepEqual(c.computeOutputShape([[null, 5, null], [null, 5, 3]], ctx), [[null, 5, null]]);
  assert.throws(
    () => c.computeOutputShape([[null, 5, 3], [null, 4, 3]], ctx),
    /A Concatenate layer requires inputs with matching shapes except for the concatenation axis \(layer "concatenate", axis=-1\). Received: input_shape=\[\(None, 5, 3\), \(None, 4, 3\)\]/,
  );
  assert.throws(
    () => new Concatenate({ axis: 3 }).computeOutputShape([[null, 2], [null, 2]], ctx),
    /axis 3 is out of range for rank 2/,
  );
});

Deno.test("Concatenate mask follows Keras: missing masks are all true, any over the last axis", () => {
  const x = tensor([[[1], [2], [3]]]); // (1, 3, 1)
  const y = tensor([[[4], [5], [6]]]);
  setMaskOf(x, tensor([[1, 0, 0]], undefined, "bool"));
  setMaskOf(y, tensor([[0, 0, 1]], undefined, "bool"));
  // Joined on the feature axis: any over [m_x, m_y] → [1, 0, 1].
  assert.deepEqual(maskOf(new Concatenate().apply([x, y]) as Tensor)!.toArray(), [[1, 0, 1]]);
  // Joined on time: the masks are concatenated, then `any` reduces the feature axis.
  const t = new Concatenate({ axis: 1 }).apply([x, y]) as Tensor;
  assert.deepEqual(maskOf(t)!.toArray(), [[1, 0, 0, 0, 0, 1]]);
  const z = tensor([[[7], [8], [9]]]);
  assert.deepEqual(maskOf(new Concatenate({ axis: 1 }).apply([x, z]) as Tensor)!.toArray(), [
    [1, 0, 0, 1, 1, 1],
  ]);
  assert.deepEqual(new Concatenate().outputsHaveMask([false, true]), [true]);
});

Deno.test("Concatenate config equals the fixture's (shared_layer_two_inputs)", async () => {
  const c = JSON.parse(
    await Deno.readTextFile(
      new URL("../../../tests/fixtures/keras/shared_layer_two_inputs/case.json", import.meta.url),
    ),
  );
  const entry = c.model_config.config.layers.find((l: { class_name: string }) =>
    l.class_name === "Concatenate"
  );
  const layer = deserializeLayer(entry) as Concatenate;
  layer.build([[null, 6], [null, 6]]);
  const { name: _n, inbound_nodes: _i, ...rest } = entry;
  assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(rest));
});
