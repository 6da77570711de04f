import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf } from "../layer.ts";
import { Masking } from "./masking.ts";

Deno.test("Masking zeroes fully padded timesteps and sets the mask", () => {
  // Patterns: trailing pad; a step with one zero feature only ("partial") is kept.
  const x = tensor([
    [[1, 2], [3, 4], [0, 0]],
    [[0, 0], [0, 5], [6, 0]],
  ]);
  const y = new Masking().apply(x) as Tensor;
  assert.deepEqual(y.toArray(), [[[1, 2], [3, 4], [0, 0]], [[0, 0], [0, 5], [6, 0]]]);
  const m = maskOf(y)!;
  assert.equal(m.dtype, "bool");
  assert.deepEqual(m.shape, [2, 3]);
  assert.deepEqual(m.toArray(), [[1, 1, 0], [0, 1, 1]]);
});

Deno.test("Masking with a mask value zeroes the padded steps", () => {
  const y = new Masking({ maskValue: -1 }).apply(tensor([[[-1, -1], [-1, 2]]])) as Tensor;
  assert.deepEqual([...y.f32].map((v) => v + 0), [0, 0, -1, 2]);
  assert.equal(Object.is(y.f32[0], -0), true); // -1 * 0, as Keras multiplies
  assert.deepEqual(maskOf(y)!.toArray(), [[0, 1]]);
});

Deno.test("Masking.computeMask and outputsHaveMask", () => {
  const layer = new Masking();
  const [m] = layer.computeMask([tensor([[[0], [1]]])], [null]);
  assert.deepEqual(m!.toArray(), [[0, 1]]);
  assert.deepEqual(layer.outputsHaveMask([false]), [true]);
});

Deno.test("Masking config matches Keras 3", () => {
  const layer = Masking.fromConfig({
    name: "masking",
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    mask_value: 0.0,
  });
  assert.deepEqual(layer.getConfig(), {
    name: "masking",
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    mask_value: 0,
  });
  assert.equal(layer.getBuildConfig(), undefined);
  assert.throws(
    () => Masking.fromConfig({ name: "m", mask_value: "x" }),
    /Masking layer "m", config key "mask_value": expected a number, received "x"/,
  );
});
