import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { BatchNormalization } from "./batch_normalization.ts";
import { LayerNormalization } from "./layer_normalization.ts";

function close(got: Tensor, want: number[][] | number[][][], tol = 1e-6): void {
  const g = got.f32;
  const w = want.flat(2) as number[];
  assert.equal(g.length, w.length);
  w.forEach((v, i) => assert.ok(Math.abs(g[i] - v) <= tol, `value ${i}: ${g[i]} != ${v}`));
}

Deno.test("BatchNormalization uses the moving statistics per feature", () => {
  const bn = new BatchNormalization({ epsilon: 0.01 });
  bn.build([[null, 2]]);
  bn.setWeights([
    tensor([2, 1]), // gamma
    tensor([0.5, -1]), // beta
    tensor([1, -2]), // moving_mean
    tensor([0.99, 3.99]), // moving_variance
  ]);
  const y = bn.apply(tensor([[3, 0], [1, 2]])) as Tensor;
  // (x - mean) / sqrt(var + eps) * gamma + beta
  close(y, [[(3 - 1) * 2 + 0.5, (0 + 2) / 2 - 1], [0.5, (2 + 2) / 2 - 1]]);
});

Deno.test("BatchNormalization weights: Keras names, order, trainable flags, 4 per feature", () => {
  const bn = new BatchNormalization({ name: "bn", center: false });
  bn.build([[null, 5, 3]]);
  assert.deepEqual(bn.weights.map((w) => [w.path, w.trainable, w.shape[0]]), [
    ["bn/gamma", true, 3],
    ["bn/moving_mean", false, 3],
    ["bn/moving_variance", false, 3],
  ]);
  assert.equal(bn.countParams(), 9);
  const time = new BatchNormalization({ axis: 1 });
  time.build([[null, 5, 3]]);
  assert.deepEqual(time.weights.map((w) => w.shape), [[5], [5], [5], [5]]);
});

Deno.test("BatchNormalization normalizes axis 1 per timestep and passes the mask", () => {
  const bn = new BatchNormalization({ axis: 1, epsilon: 0 });
  bn.build([[null, 2, 2]]);
  bn.setWeights([tensor([1, 1]), tensor([0, 0]), tensor([1, -1]), tensor([4, 1])]);
  const x = tensor([[[3, 5], [0, 1]]]);
  const m = tensor([[1, 0]], undefined, "bool");
  setMaskOf(x, m);
  const y = bn.apply(x) as Tensor;
  close(y, [[[1, 2], [1, 2]]]);
  assert.equal(maskOf(y), m);
});

Deno.test("BatchNormalization reads Keras 2's list axis and refuses what it cannot run", () => {
  const bn = BatchNormalization.fromConfig({ name: "bn", axis: [2], epsilon: 0.001 });
  assert.equal(bn.axis, 2);
  assert.equal(bn.getConfig().axis, 2);
  assert.throws(
    () => BatchNormalization.fromConfig({ name: "bn", axis: [1, 2] }),
    /BatchNormalization layer "bn": axis=\[1,2\] normalizes over several axes/,
  );
  assert.throws(
    () => BatchNormalization.fromConfig({ name: "bn", renorm: true }),
    /renorm=true \(batch renormalization\) is not supported/,
  );
  assert.throws(() => new BatchNormalization({ axis: 0 }), /axis 0 is the batch/);
  assert.throws(
    () => BatchNormalization.fromConfig({ name: "bn", fancy: 1 }),
    /unsupported argument "fancy"/,
  );
  const b = new BatchNormalization({ name: "b" });
  b.build([[null, 4]]);
  assert.throws(
    () => b.apply(tensor([[1, 2, 3]])),
    /expected axis -1 of input shape to have value 4, but received input with shape \(1, 3\)/,
  );
});

Deno.test("LayerNormalization normalizes each row with its own statistics", () => {
  const ln = new LayerNormalization({ epsilon: 0 });
  const y = ln.apply(tensor([[1, 3], [2, 2.5]])) as Tensor;
  close(y, [[-1, 1], [-1, 1]]);
  ln.setWeights([tensor([2, 1]), tensor([0, 1])]);
  close(ln.apply(tensor([[1, 3]])) as Tensor, [[-2, 2]]);
});

Deno.test("LayerNormalization over several axes, without beta, and rms_scaling", () => {
  const ln = new LayerNormalization({ axis: [1, 2], epsilon: 0, center: false });
  const y = ln.apply(tensor([[[1, 3], [1, 3]]])) as Tensor;
  close(y, [[[-1, 1], [-1, 1]]]);
  assert.deepEqual(ln.weights.map((w) => [w.name, [...w.shape]]), [["gamma", [2, 2]]]);
  // Keras's deprecated rms_scaling divides by sqrt(var + eps) without centering.
  const rms = new LayerNormalization({ epsilon: 0, rmsScaling: true });
  close(rms.apply(tensor([[1, 3]])) as Tensor, [[1, 3]]);
  assert.deepEqual(rms.weights.map((w) => w.name), ["gamma"]);
  assert.throws(() => new LayerNormalization({ axis: [] }), /non-empty list of integers/);
  assert.throws(
    () => new LayerNormalization({ axis: 0 }).apply(tensor([[1, 2]])),
    /must name distinct non-batch axes/,
  );
});
