import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import {
  ActivityRegularization,
  AlphaDropout,
  GaussianDropout,
  GaussianNoise,
  SpatialDropout1D,
} from "./identity_at_inference.ts";

Deno.test("the identity-at-inference layers return their input and pass the mask", () => {
  const layers = [
    new SpatialDropout1D(0.3),
    new GaussianNoise(0.5),
    new GaussianDropout(0.3),
    new AlphaDropout(0.2),
    new ActivityRegularization({ l1: 0.01 }),
  ];
  for (const layer of layers) {
    const x = tensor([[[1, 2], [3, 4]]]);
    const m = tensor([[1, 0]], undefined, "bool");
    setMaskOf(x, m);
    const y = layer.apply(x) as Tensor;
    assert.deepEqual(y.toArray(), [[[1, 2], [3, 4]]], layer.className);
    assert.equal(maskOf(y), m, layer.className);
  }
});

Deno.test("SpatialDropout1D writes Keras 3's short config and reads Keras 2's", () => {
  const s = SpatialDropout1D.fromConfig({
    name: "sd",
    trainable: true,
    dtype: "float32",
    rate: 0.5,
    noise_shape: null,
    seed: null,
  });
  assert.deepEqual(s.getConfig(), { rate: 0.5, seed: null, name: "sd", dtype: "float32" });
  assert.throws(() => s.apply(tensor([[1, 2]])), /expected ndim=3, found ndim=2/);
});

Deno.test("rates and stddev outside [0, 1] are refused, as Keras does", () => {
  assert.throws(
    () => new GaussianNoise(2, { name: "g" }),
    /GaussianNoise layer "g": stddev must be a number between 0 and 1, received 2/,
  );
  assert.throws(() => new AlphaDropout(-0.1), /rate must be a number between 0 and 1/);
  assert.throws(
    () => GaussianDropout.fromConfig({ name: "gd", rate: 0.1, seed: 1.5 }),
    /config key "seed": expected an integer or null, received 1.5/,
  );
});
