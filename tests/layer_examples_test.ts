/**
 * The guide's "Lambda and custom layers" examples (`docs/examples/09_lambda.ts`,
 * `docs/examples/10_custom_layer.ts`), run and checked against independent computations and
 * against Keras's recorded outputs.
 */
import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { resetLayerNames } from "@kerno/layers";
import {
  lastStep,
  manhattanSimilarity,
  meanOverTime,
  reverseTime,
  run as lambdas,
} from "../docs/examples/09_lambda.ts";
import { run as customLayer } from "../docs/examples/10_custom_layer.ts";

Deno.test("09_lambda: the common Lambda bodies compute what their Python did", () => {
  const x = tensor([[[1, 2], [3, 4], [5, 9]]]);
  assert.deepEqual(reverseTime(x).toArray(), [[[5, 9], [3, 4], [1, 2]]]);
  assert.deepEqual(meanOverTime(x).toArray(), [[3, 5]]);
  assert.deepEqual(lastStep(x).toArray(), [[5, 9]]);
  const sim = manhattanSimilarity([tensor([[1, 2]]), tensor([[0, 4]])]);
  assert.deepEqual(sim.shape, [1, 1]);
  assert.ok(Math.abs(sim.f32[0] - Math.exp(-3)) < 1e-7);
});

Deno.test("09_lambda run(): a saved model with Lambdas loads back only with the bodies", () => {
  resetLayerNames();
  const lines: string[] = [];
  const r = lambdas((l) => void lines.push(l));
  assert.deepEqual(r.outputShape, [null, 1]);
  assert.match(r.refusal, /The model has 4 Lambda layers/);
  assert.match(r.refusal, /"last": input \(None, 3, 2\) -> output \(None, 2\)/);
  assert.equal(r.similarity, r.inCode);
  assert.ok(r.similarity > 0 && r.similarity <= 1);
});

Deno.test("10_custom_layer run(): the TypeScript attention class reproduces Keras's outputs", async () => {
  resetLayerNames();
  const r = await customLayer(() => {});
  assert.equal(r.layerClass, "DotAttention");
  assert.equal(r.count, 30);
  assert.ok(r.maxDiff <= 1e-5, `max diff ${r.maxDiff}`);
});
