import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { setMaskOf } from "../layer.ts";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { fixtureLayers } from "../conv/_fixture_test_util.ts";
import { AdditiveAttention } from "./additive_attention.ts";
import { Attention } from "./attention.ts";

const close = (got: Float32Array, want: number[], what: string) =>
  want.forEach((w, i) =>
    assert.ok(Math.abs(got[i] - w) <= 1e-6, `${what}[${i}]: ${got[i]} vs ${w}`)
  );

// One query [1, 0], two keys/values: scores [1, 0] → weights [e/(e+1), 1/(e+1)].
const q = tensor([[[1, 0]]]);
const v = tensor([[[1, 0], [0, 1]]]);
const e = Math.E;

Deno.test("Attention returns the softmax-weighted values and, when asked, the weights", () => {
  const [ctx, w] = new Attention().apply([q, v], {
    callArgs: { return_attention_scores: true },
  }) as Tensor[];
  assert.deepEqual([ctx.shape, w.shape], [[1, 1, 2], [1, 1, 2]]);
  close(w.f32, [e / (e + 1), 1 / (e + 1)], "weights");
  close(ctx.f32, [e / (e + 1), 1 / (e + 1)], "context");
});

Deno.test("Attention gives masked keys no weight and zeroes masked queries", () => {
  const value = tensor([...v.f32], v.shape);
  setMaskOf(value, tensor([[0, 1]], undefined, "bool"));
  const ctx = new Attention().apply([q, value]) as Tensor;
  close(ctx.f32, [0, 1], "value mask");
  const query = tensor([[[1, 0], [0, 1]]]);
  setMaskOf(query, tensor([[1, 0]], undefined, "bool"));
  const out = new Attention().apply([query, v]) as Tensor;
  close(out.f32, [e / (e + 1), 1 / (e + 1), 0, 0], "query mask");
});

Deno.test("Attention with use_causal_mask lets step i see steps up to i only", () => {
  const x = tensor([[[1, 0], [0, 1]]]);
  const [, w] = new Attention().apply([x, x], {
    callArgs: { use_causal_mask: true, return_attention_scores: true },
  }) as Tensor[];
  close(w.f32, [1, 0, 1 / (e + 1), e / (e + 1)], "causal weights");
});

Deno.test("AdditiveAttention scores Σ scale·tanh(q + k)", () => {
  const layer = new AdditiveAttention();
  layer.build([[null, 1, 2], [null, 2, 2]]);
  layer.setWeights([tensor([1, 2])]);
  const [, w] = layer.apply([q, v], { callArgs: { return_attention_scores: true } }) as Tensor[];
  const s0 = Math.tanh(2) + 2 * Math.tanh(0), s1 = Math.tanh(1) + 2 * Math.tanh(1);
  const z = Math.exp(s0) + Math.exp(s1);
  close(w.f32, [Math.exp(s0) / z, Math.exp(s1) / z], "additive weights");
  assert.deepEqual(layer.weights.map((x) => [x.path, x.shape]), [[`${layer.name}/scale`, [2]]]);
});

Deno.test("Attention configs and weights match Keras's (scale is a scalar)", () => {
  const cases: [string, string, string[]][] = [
    ["attention_use_scale", "Attention", ["scale"]],
    ["attention_concat", "Attention", ["scale", "concat_score_weight"]],
    ["attention_dot", "Attention", []],
    ["additive_attention", "AdditiveAttention", ["scale"]],
    ["additive_attention_no_scale", "AdditiveAttention", []],
  ];
  for (const [name, cls, weights] of cases) {
    const [{ entry, shapes }] = fixtureLayers(name, cls);
    const layer = deserializeLayer(entry);
    layer.build(shapes!);
    assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(entry), name);
    assert.deepEqual(layer.weights.map((w) => w.name), weights, name);
  }
});

Deno.test("Attention refuses one input, unknown score modes and call arguments", () => {
  assert.throws(
    () => new Attention().apply([q]),
    /accepts inputs list of length 2 or 3, namely \[query, value\] or \[query, value, key\]/,
  );
  assert.throws(
    () => new Attention({ scoreMode: "cosine" as "dot" }),
    /Invalid value for argument score_mode/,
  );
  assert.throws(
    () => new Attention().apply([q, v], { callArgs: { return_weights: true } }),
    /unsupported call argument "return_weights" \(it accepts return_attention_scores, use_causal_mask\)/,
  );
});

Deno.test("Attention reads Keras 2's causal flag and keeps it in its config", () => {
  // tf.keras 2.9 Attention config (no module, causal in the constructor)
  const layer = Attention.fromConfig({
    name: "attention",
    trainable: true,
    dtype: "float32",
    causal: true,
    dropout: 0.0,
    use_scale: false,
    score_mode: "dot",
  });
  const x = tensor([[[1, 0], [0, 1]]]);
  const [, w] = layer.apply([x, x], { callArgs: { return_attention_scores: true } }) as Tensor[];
  close(w.f32, [1, 0, 1 / (e + 1), e / (e + 1)], "causal weights");
  assert.equal(layer.getConfig().causal, true);
  assert.equal("causal" in new Attention().getConfig(), false);
});
