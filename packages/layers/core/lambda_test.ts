import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { NO_SHAPE_CONTEXT } from "./_util.ts";
import { Lambda } from "./lambda.ts";

const meanOverTime = (x: Tensor | Tensor[]) => {
  const t = x as Tensor;
  const [b, steps, f] = t.shape;
  const out = new Float32Array(b * f);
  for (let i = 0; i < t.size; i++) out[Math.floor(i / (steps * f)) * f + (i % f)] += t.f32[i];
  return new Tensor(out.map((v) => v / steps), [b, f]);
};

Deno.test("Lambda infers its output shape by running the body, unknown sizes stay unknown", () => {
  const mean = new Lambda(meanOverTime);
  assert.deepEqual(mean.computeOutputShape([[null, null, 3]], NO_SHAPE_CONTEXT), [[null, 3]]);
  const same = new Lambda((x) => x as Tensor);
  assert.deepEqual(same.computeOutputShape([[null, null, 3]], NO_SHAPE_CONTEXT), [[null, null, 3]]);
  assert.deepEqual((mean.apply(tensor([[[1, 2, 3], [3, 4, 5]]])) as Tensor).toArray(), [[2, 3, 4]]);
  const given = new Lambda(meanOverTime, { outputShape: [3] });
  assert.deepEqual(given.computeOutputShape([[7, 5, 3]], NO_SHAPE_CONTEXT), [[7, 3]]);
});

Deno.test("Lambda errors name the layer: failed inference, non-tensor result, no body", () => {
  const bad = new Lambda(() => {
    throw new Error("needs int32 ids");
  }, { name: "ids" });
  assert.throws(
    () => bad.computeOutputShape([[null, 4]], NO_SHAPE_CONTEXT),
    /Lambda layer "ids": could not infer its output shape by running it on \(1, 4\) \(needs int32 ids\); give the output shape/,
  );
  const list = new Lambda((x) => [x] as unknown as Tensor, { name: "l" });
  assert.throws(
    () => list.apply(tensor([[1]])),
    /Lambda layer "l": its function must return one Tensor, received a list/,
  );
  assert.throws(
    () => Lambda.fromConfig({ name: "lambda_3", function: { class_name: "__lambda__" } }),
    /Lambda layer "lambda_3" holds Python code, which Kerno never runs; supply its body in TypeScript by name: loadModel\(path, \{ lambdas: \{ "lambda_3": \(x\) => … \} \}\)/,
  );
});

Deno.test("a loaded Lambda writes its Keras config back and reads the saved output_shape", () => {
  const config = {
    name: "lam",
    trainable: true,
    function: { class_name: "__lambda__", config: { code: "xyz", defaults: null, closure: null } },
    output_shape: [3],
    arguments: {},
  };
  const layer = Lambda.fromConfig(config, { lambdas: { lam: meanOverTime } });
  assert.deepEqual(layer.getConfig(), config);
  assert.deepEqual(layer.outputShape, [3]);
});
