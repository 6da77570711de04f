import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { NO_SHAPE_CONTEXT } from "./_util.ts";
import { Dot } from "./dot.ts";

Deno.test("Dot on vectors gives (batch, 1); on sequences, attention scores", () => {
  const v = new Dot(1).apply([tensor([[1, 2], [0, 1]]), tensor([[3, 4], [5, 6]])]) as Tensor;
  assert.deepEqual(v.toArray(), [[11], [6]]);
  // decoder (1, 2, 2) · encoder (1, 3, 2) over the features: (1, 2, 3) scores
  const dec = tensor([[[1, 0], [0, 1]]]);
  const enc = tensor([[[1, 2], [3, 4], [5, 6]]]);
  const scores = new Dot([2, 2]).apply([dec, enc]) as Tensor;
  assert.deepEqual(scores.toArray(), [[[1, 3, 5], [2, 4, 6]]]);
  // weights (1, 2, 3) · encoder (1, 3, 2) over time: the context (1, 2, 2)
  const context = new Dot([2, 1]).apply([scores, enc]) as Tensor;
  assert.deepEqual(context.toArray(), [[[35, 44], [44, 56]]]);
});

Deno.test("Dot with normalize gives cosine similarities; a zero vector stays 0", () => {
  const y = new Dot(-1, { normalize: true }).apply([
    tensor([[3, 4], [0, 0]]),
    tensor([[4, 3], [1, 0]]),
  ]) as Tensor;
  assert.ok(Math.abs(y.f32[0] - 24 / 25) < 1e-7);
  assert.equal(y.f32[1], 0);
});

Deno.test("Dot: output shape, no output mask, and errors that name the axes", () => {
  const a = [null, 5, 4];
  const b = [null, 7, 4];
  assert.deepEqual(new Dot(2).computeOutputShape([a, b], NO_SHAPE_CONTEXT), [[null, 5, 7]]);
  assert.deepEqual(new Dot(1).computeOutputShape([[null, 4], [null, 4]], NO_SHAPE_CONTEXT), [[
    null,
    1,
  ]]);
  assert.throws(
    () => new Dot(1, { name: "d" }).build([a, b]),
    /Dot layer "d": incompatible input shapes: axis values 5 \(at axis 1\) != 7 \(at axis 1\)/,
  );
  assert.throws(() => new Dot([1, 2, 3]), /axes must be an integer or a list of two integers/);
  assert.throws(() => new Dot(0).build([a, b]), /must be one of its non-batch axes/);
  const x = tensor([[1, 2]]);
  setMaskOf(x, tensor([1], undefined, "bool"));
  assert.equal(maskOf(new Dot(1).apply([x, tensor([[1, 1]])]) as Tensor), null);
});
