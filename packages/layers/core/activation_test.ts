import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { Activation } from "./activation.ts";

Deno.test("Activation applies the function and leaves its input untouched", () => {
  const x = tensor([[-1, 2]]);
  const y = new Activation("relu").apply(x) as Tensor;
  assert.deepEqual([...y.f32], [0, 2]);
  assert.deepEqual([...x.f32], [-1, 2]);
});

Deno.test("Activation softmax normalizes over the last axis", () => {
  const y = new Activation("softmax").apply(tensor([[0, 0], [0, Math.log(3)]])) as Tensor;
  const v = [...y.f32];
  [0.5, 0.5, 0.25, 0.75].forEach((want, i) => assert.ok(Math.abs(v[i] - want) < 1e-6));
});

Deno.test("Activation passes the mask through", () => {
  const x = tensor([[[1], [2]]]);
  const m = tensor([[1, 0]], undefined, "bool");
  setMaskOf(x, m);
  assert.equal(maskOf(new Activation("tanh").apply(x) as Tensor), m);
});

Deno.test("Activation config and Keras 2 hard_sigmoid", () => {
  const a = Activation.fromConfig({ name: "act", activation: "swish" });
  assert.deepEqual(a.getConfig(), {
    name: "act",
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    activation: "silu",
  });
  const k2 = Activation.fromConfig({ name: "hs", activation: "hard_sigmoid" }, {
    keras2HardSigmoid: true,
  } as never);
  const y = k2.apply(tensor([[1.5]])) as Tensor;
  assert.deepEqual([...y.f32], [Math.fround(0.8)]);
  assert.equal(k2.getConfig().activation, "hard_sigmoid");
  assert.equal(k2.getBuildConfig(), undefined);
});

Deno.test("Activation refuses unknown names", () => {
  assert.throws(() => new Activation("bogus"), /Unknown activation "bogus"/);
});
