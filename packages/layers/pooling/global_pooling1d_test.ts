import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { GlobalAveragePooling1D, GlobalMaxPooling1D } from "./global_pooling1d.ts";

const X = () => tensor([[[1, 10], [3, 20], [8, -5]]]); // (1, 3, 2)

Deno.test("GlobalAveragePooling1D averages over time, only the unmasked steps with a mask", () => {
  assert.deepEqual((new GlobalAveragePooling1D().apply(X()) as Tensor).toArray(), [[
    4,
    Math.fround(25 / 3),
  ]]);
  const x = X();
  setMaskOf(x, tensor([[1, 1, 0]], undefined, "bool"));
  const y = new GlobalAveragePooling1D({ keepdims: true }).apply(x) as Tensor;
  assert.deepEqual(y.toArray(), [[[2, 15]]]);
  assert.equal(maskOf(y), null);
});

Deno.test("GlobalAveragePooling1D gives NaN for a row with every step masked, as Keras", () => {
  const x = X();
  setMaskOf(x, tensor([[0, 0, 0]], undefined, "bool"));
  const y = new GlobalAveragePooling1D().apply(x) as Tensor;
  assert.ok(Number.isNaN(y.f32[0]) && Number.isNaN(y.f32[1]));
});

Deno.test("GlobalMaxPooling1D ignores the mask, as Keras 3 does", () => {
  const x = X();
  setMaskOf(x, tensor([[1, 1, 0]], undefined, "bool"));
  const y = new GlobalMaxPooling1D().apply(x) as Tensor;
  assert.deepEqual(y.toArray(), [[8, 20]]);
  assert.equal(maskOf(y), null);
});

Deno.test("Global 1D pooling: config, rank check, channels_first refused", () => {
  const p = GlobalMaxPooling1D.fromConfig({
    name: "gmp",
    data_format: "channels_last",
    keepdims: true,
  });
  assert.deepEqual([p.getConfig().data_format, p.getConfig().keepdims], ["channels_last", true]);
  assert.equal(p.getBuildConfig(), undefined);
  assert.throws(
    () => GlobalAveragePooling1D.fromConfig({ name: "g", data_format: "channels_first" }),
    /GlobalAveragePooling1D layer "g": data_format="channels_first" is not supported/,
  );
  assert.throws(() => p.apply(tensor([[1, 2]])), /expected ndim=3, found ndim=2/);
});
