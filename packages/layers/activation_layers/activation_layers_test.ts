import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { ELU } from "./elu.ts";
import { LeakyReLU } from "./leaky_relu.ts";
import { PReLU } from "./prelu.ts";
import { ReLU } from "./relu.ts";
import { Softmax } from "./softmax.ts";

const f = Math.fround;

Deno.test("LeakyReLU: default slope 0.3, Keras 2's alpha key, mask passes", () => {
  const x = tensor([[-2, 3]]);
  const m = tensor([1], undefined, "bool");
  setMaskOf(x, m);
  const y = new LeakyReLU().apply(x) as Tensor;
  assert.deepEqual([...y.f32], [f(f(0.3) * -2), 3]);
  assert.equal(maskOf(y), m);
  const legacy = LeakyReLU.fromConfig({ name: "l", alpha: 0.1 });
  assert.equal(legacy.negativeSlope, 0.1);
  assert.deepEqual(Object.keys(legacy.getConfig()).slice(3), ["negative_slope"]);
  assert.throws(() => new LeakyReLU({ negativeSlope: -1 }), /negative_slope must be a number >= 0/);
});

Deno.test("ReLU with max_value, negative_slope and threshold follows Keras", () => {
  const relu = new ReLU({ maxValue: 0.6, negativeSlope: 0.1, threshold: 0.05 });
  const y = relu.apply(tensor([[-1, 0.04, 0.3, 2]])) as Tensor;
  // below the threshold: -slope * (threshold - x); above: x capped at max_value
  const want = [
    f(0 - f(f(0.1) * f(1 + f(0.05)))),
    f(0 - f(f(0.1) * f(f(-0.04) + f(0.05)))),
    0.3,
    0.6,
  ];
  assert.deepEqual([...y.f32], want.map(f));
  assert.deepEqual([...(new ReLU().apply(tensor([[-1, 2]])) as Tensor).f32], [0, 2]);
  assert.throws(() => new ReLU({ maxValue: -1 }), /max_value must be a number >= 0/);
});

Deno.test("ELU: alpha·(exp(x) − 1) below zero", () => {
  const y = new ELU({ alpha: 0.5 }).apply(tensor([[-1, 2]])) as Tensor;
  assert.ok(Math.abs(y.f32[0] - 0.5 * Math.expm1(-1)) < 1e-7);
  assert.equal(y.f32[1], 2);
});

Deno.test("PReLU: alpha of the sample shape, shared axes set to 1", () => {
  const p = new PReLU({ sharedAxes: [1], name: "p" });
  const x = tensor([[[-1, -2], [3, -4]]]); // (1, 2, 2)
  p.build([[null, 2, 2]]);
  assert.deepEqual(p.weights.map((w) => [w.path, [...w.shape]]), [["p/alpha", [1, 2]]]);
  p.setWeights([tensor([[0.5, 0.25]])]);
  assert.deepEqual((p.apply(x) as Tensor).toArray(), [[[-0.5, -0.5], [3, -1]]]);
  const one = PReLU.fromConfig({ name: "q", shared_axes: 2 });
  assert.deepEqual(one.sharedAxes, [2]);
  assert.throws(() => new PReLU({ sharedAxes: [0] }), /shared_axes must be axes numbered from 1/);
});

Deno.test("Softmax over the last axis, over time, and over two axes", () => {
  const x = tensor([[[0, Math.log(3)], [0, 0]]]);
  const last = new Softmax().apply(x) as Tensor;
  assert.deepEqual([...last.f32].map((v) => Math.round(v * 1e6) / 1e6), [0.25, 0.75, 0.5, 0.5]);
  const time = new Softmax({ axis: 1 }).apply(x) as Tensor;
  assert.deepEqual([...time.f32].map((v) => Math.round(v * 1e6) / 1e6), [0.5, 0.75, 0.5, 0.25]);
  const both = new Softmax({ axis: [1, 2] }).apply(x) as Tensor;
  assert.deepEqual(
    [...both.f32].map((v) => Math.round(v * 1e6) / 1e6),
    [1 / 6, 3 / 6, 1 / 6, 1 / 6].map((v) => Math.round(v * 1e6) / 1e6),
  );
});

Deno.test("Softmax with a mask: masked entries get 0, the rest renormalize", () => {
  const x = tensor([[1, 2, 3]]);
  setMaskOf(x, tensor([[1, 0, 1]], undefined, "bool"));
  const y = new Softmax().apply(x) as Tensor;
  const e = Math.exp(-2);
  assert.ok(Math.abs(y.f32[0] - e / (1 + e)) < 1e-7);
  assert.equal(y.f32[1], 0);
  // Keras aligns the mask with the input from the right: a (batch, time) mask on
  // (batch, time, features) only fits when time == features.
  const z = tensor([[[1, 2, 3], [4, 5, 6]]]);
  setMaskOf(z, tensor([[1, 0]], undefined, "bool"));
  assert.throws(
    () => new Softmax({ name: "s" }).apply(z),
    /Softmax layer "s": the mask \(1, 2\) must be broadcastable to the input \(1, 2, 3\)/,
  );
});
