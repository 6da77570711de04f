import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { NO_SHAPE_CONTEXT } from "../core/_util.ts";
import { Flatten } from "./flatten.ts";
import { Permute, transpose } from "./permute.ts";
import { RepeatVector } from "./repeat_vector.ts";
import { Reshape, resolveReshape } from "./reshape.ts";

Deno.test("RepeatVector copies each row n times and drops the mask", () => {
  const x = tensor([[1, 2], [3, 4]]);
  setMaskOf(x, tensor([1, 0], undefined, "bool"));
  const y = new RepeatVector(3).apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(y.toArray(), [[[1, 2], [1, 2], [1, 2]], [[3, 4], [3, 4], [3, 4]]]);
  assert.equal(maskOf(y), null);
  assert.throws(() => new RepeatVector(0), /n must be a positive integer, received 0/);
  assert.throws(
    () => new RepeatVector(2).apply(tensor([[[1]]])),
    /expected ndim=2, found ndim=3/,
  );
});

Deno.test("Reshape keeps the row-major order and infers -1", () => {
  const x = tensor([[1, 2, 3, 4, 5, 6]]);
  const y = new Reshape([3, -1]).apply(x) as Tensor;
  assert.deepEqual(y.toArray(), [[[1, 2], [3, 4], [5, 6]]]);
  const shape = new Reshape([4, 5]).computeOutputShape([[null, 5, 4]], NO_SHAPE_CONTEXT);
  assert.deepEqual(shape, [[null, 4, 5]]);
  assert.deepEqual(resolveReshape([null, 4], [-1, 2], "here"), [null, 2]);
});

Deno.test("Reshape refuses bad target shapes and size mismatches by name", () => {
  assert.throws(() => new Reshape([-1, -1]), /at most one -1, received \[-1,-1\]/);
  assert.throws(() => new Reshape([2, -3]), /non-negative integer or -1/);
  assert.throws(
    () => new Reshape([4, 4], { name: "r" }).apply(tensor([[1, 2, 3]])),
    /Reshape layer "r": the total size must be unchanged, but the input sample \(3,\) has 3 values and target_shape \(4, 4\) has 16/,
  );
  assert.throws(
    () => new Reshape([2, -1], { name: "r" }).apply(tensor([[1, 2, 3]])),
    /cannot be divided by the known sizes of target_shape \(2, -1\)/,
  );
});

Deno.test("Reshape has no build_config and round-trips target_shape", () => {
  const r = Reshape.fromConfig({ name: "reshape", trainable: true, target_shape: [-1] });
  assert.equal(r.built, true);
  assert.deepEqual(r.getConfig().target_shape, [-1]);
  assert.equal(r.getBuildConfig(), undefined);
});

Deno.test("Flatten flattens each sample, knows unknown sizes, refuses channels_first", () => {
  const y = new Flatten().apply(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]])) as Tensor;
  assert.deepEqual(y.toArray(), [[1, 2, 3, 4], [5, 6, 7, 8]]);
  const f = new Flatten();
  assert.deepEqual(f.computeOutputShape([[null, null, 3]], NO_SHAPE_CONTEXT), [[null, null]]);
  assert.deepEqual(f.computeOutputShape([[null, 4, 3]], NO_SHAPE_CONTEXT), [[null, 12]]);
  assert.throws(
    () => Flatten.fromConfig({ name: "f", data_format: "channels_first" }),
    /Flatten layer "f": data_format="channels_first" is not supported/,
  );
});

Deno.test("Permute swaps axes numbered from 1 and checks dims", () => {
  const x = tensor([[[1, 2, 3], [4, 5, 6]]]); // (1, 2, 3)
  const y = new Permute([2, 1]).apply(x) as Tensor;
  assert.deepEqual(y.shape, [1, 3, 2]);
  assert.deepEqual(y.toArray(), [[[1, 4], [2, 5], [3, 6]]]);
  assert.throws(() => new Permute([0, 1]), /dims must hold each of 1…n once/);
  assert.throws(() => new Permute([1, 1]), /dims must hold each of 1…n once/);
  const t = transpose(tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), [2, 0, 1]);
  assert.deepEqual(t.toArray(), [[[1, 3], [5, 7]], [[2, 4], [6, 8]]]);
});
