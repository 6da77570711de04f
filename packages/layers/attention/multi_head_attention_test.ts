import assert from "node:assert/strict";
import { Random, type Tensor, tensor } from "@kerno/tensor";
import { setMaskOf } from "../layer.ts";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { fixtureLayers } from "../conv/_fixture_test_util.ts";
import { MultiHeadAttention } from "./multi_head_attention.ts";

function randomTensor(rng: Random, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

/** Plain-loop multi-head attention over the layer's weights (no mask). */
function reference(layer: MultiHeadAttention, q: Tensor, v: Tensor): number[] {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = layer.getWeights().map((w) => w.f32);
  const [B, T, D] = q.shape, S = v.shape[1], N = layer.numHeads, K = layer.keyDim;
  const dv = layer.valueDim, out = wo.length / (N * dv);
  const proj = (x: Tensor, rows: number, w: Float32Array, b: Float32Array, width: number) =>
    Array.from({ length: rows * width }, (_, i) => {
      const r = Math.floor(i / width), j = i % width;
      let s = b[j];
      for (let d = 0; d < D; d++) s += x.f32[r * D + d] * w[d * width + j];
      return s;
    });
  const qp = proj(q, B * T, wq, bq, N * K), kp = proj(v, B * S, wk, bk, N * K);
  const vp = proj(v, B * S, wv, bv, N * dv);
  const result: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const heads: number[] = [];
      for (let h = 0; h < N; h++) {
        const s = Array.from({ length: S }, (_, j) => {
          let dot = 0;
          for (let k = 0; k < K; k++) {
            dot += qp[(b * T + t) * N * K + h * K + k] * kp[(b * S + j) * N * K + h * K + k];
          }
          return dot / Math.sqrt(K);
        });
        const m = Math.max(...s), z = s.reduce((a, x) => a + Math.exp(x - m), 0);
        for (let c = 0; c < dv; c++) {
          heads.push(
            s.reduce(
              (a, x, j) => a + Math.exp(x - m) / z * vp[(b * S + j) * N * dv + h * dv + c],
              0,
            ),
          );
        }
      }
      for (let o = 0; o < out; o++) {
        result.push(heads.reduce((a, x, i) => a + x * wo[i * out + o], bo[o]));
      }
    }
  }
  return result;
}

Deno.test("MultiHeadAttention matches a plain-loop reference", () => {
  const rng = new Random(9);
  const layer = new MultiHeadAttention(2, 3, { valueDim: 2, outputShape: 5 });
  const q = randomTensor(rng, [2, 4, 6]), v = randomTensor(rng, [2, 3, 6]);
  const y = layer.apply([q, v]) as Tensor;
  assert.deepEqual(y.shape, [2, 4, 5]);
  reference(layer, q, v).forEach((w, i) => assert.ok(Math.abs(y.f32[i] - w) <= 1e-5, `[${i}]`));
  assert.deepEqual(layer.weights.map((w) => [w.path, w.shape]), [
    [`${layer.name}/query/kernel`, [6, 2, 3]],
    [`${layer.name}/query/bias`, [2, 3]],
    [`${layer.name}/key/kernel`, [6, 2, 3]],
    [`${layer.name}/key/bias`, [2, 3]],
    [`${layer.name}/value/kernel`, [6, 2, 2]],
    [`${layer.name}/value/bias`, [2, 2]],
    [`${layer.name}/attention_output/kernel`, [2, 2, 5]],
    [`${layer.name}/attention_output/bias`, [5]],
  ]);
});

Deno.test("MultiHeadAttention: a fully masked query row is uniform, or zero with the scores", () => {
  const rng = new Random(3);
  const layer = new MultiHeadAttention(1, 2);
  const x = randomTensor(rng, [1, 3, 2]);
  setMaskOf(x, tensor([[1, 1, 0]], undefined, "bool"));
  const [, scores] = layer.apply([x, x], {
    callArgs: { return_attention_scores: true },
  }) as Tensor[];
  assert.deepEqual(scores.shape, [1, 1, 3, 3]);
  assert.deepEqual([...scores.f32.subarray(6)], [0, 0, 0]);
  assert.equal(scores.f32[2], 0);
  // Without the scores Keras's fused path leaves the masked row's weights uniform: the output
  // equals that of unmasked attention whose scores are all equal, i.e. the mean of the values.
  const y = layer.apply([x, x]) as Tensor;
  const plain = new MultiHeadAttention(1, 2);
  plain.build([[null, 3, 2], [null, 3, 2]]);
  plain.setWeights(
    layer.getWeights().map((w, i) => (i === 0 ? tensor(new Array(4).fill(0), w.shape) : w)),
  );
  const uniform = plain.apply([x, x]) as Tensor;
  [0, 1].forEach((c) => assert.ok(Math.abs(y.f32[4 + c] - uniform.f32[4 + c]) <= 1e-6));
});

Deno.test("MultiHeadAttention configs round-trip with shapes_dict build configs", () => {
  for (const name of ["mha_self_lstm", "mha_scores", "mha_causal"]) {
    const [{ entry }] = fixtureLayers(name, "MultiHeadAttention");
    const layer = deserializeLayer(entry);
    const dict = (entry.build_config as { shapes_dict: Record<string, number[]> }).shapes_dict;
    layer.build([dict.query_shape, dict.value_shape]);
    assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(entry), name);
  }
  assert.throws(
    () => new MultiHeadAttention(2, 4, { attentionAxes: [2] }),
    /attention_axes=\[2\] is not supported/,
  );
  assert.throws(
    () => new MultiHeadAttention(2, 4, { outputShape: [3, 4] }),
    /output_shape=\[3,4\] is not supported/,
  );
  assert.throws(
    () => new MultiHeadAttention(2, 4).apply([tensor([[[1, 2]]])]),
    /expected 2 or 3 inputs, received 1/,
  );
});

Deno.test("MultiHeadAttention reads a tf.keras 2 config with its build shapes", () => {
  const layer = MultiHeadAttention.fromConfig({
    name: "mha",
    trainable: true,
    dtype: "float32",
    num_heads: 2,
    key_dim: 4,
    value_dim: 4,
    dropout: 0.0,
    use_bias: true,
    output_shape: null,
    attention_axes: [1],
    kernel_initializer: { class_name: "GlorotUniform", config: { seed: null } },
    bias_initializer: { class_name: "Zeros", config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
    query_shape: [null, 5, 3],
    key_shape: [null, 5, 3],
    value_shape: [null, 5, 3],
  });
  const x = tensor(new Array(30).fill(0.5), [2, 5, 3]);
  assert.deepEqual((layer.apply([x, x]) as Tensor).shape, [2, 5, 3]);
  assert.equal("query_shape" in layer.getConfig(), false);
});
