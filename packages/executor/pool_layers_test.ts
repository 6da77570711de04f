/**
 * The pool on models with convolution, pooling, ConvLSTM and attention layers
 * (`tests/fixtures/keras-layers`): each batch is widened to 7 rows (the case's rows, then shifted
 * copies) so that shards of 1 and 3 rows cut it differently; every result must be bit-identical
 * to `model.predict` on the main thread.
 */
import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { WorkerPool } from "./mod.ts";
import { readCase } from "./testdata/fixtures.ts";

/** Rows `r % batch` of `t`, 7 in all; float rows after the first batch are shifted by 0.1·r. */
function widen(t: Tensor, rows = 7): Tensor {
  const [batch, ...rest] = t.shape;
  const per = rest.reduce((a, b) => a * b, 1);
  const out = t.dtype === "int32" ? new Int32Array(rows * per) : new Float32Array(rows * per);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < per; i++) {
      const v = t.data[(r % batch) * per + i];
      out[r * per + i] = t.dtype === "int32" || r < batch ? v : v + 0.1 * r;
    }
  }
  return new Tensor(out, [rows, ...rest]);
}

const CASES = [
  "cnn_lstm_same_stride_avgpool", // Conv1D same/strides + AveragePooling1D
  "conv1d_groups", // grouped Conv1D
  "embedding_conv1d_lstm", // int32 ids, Conv1D + MaxPooling1D
  "convlstm2d_last_state", // ConvLSTM2D, three outputs
  "convlstm1d_last", // ConvLSTM1D + Flatten + Dense
  "td_conv2d_lstm", // TimeDistributed Conv2D + MaxPooling2D + Flatten
  "attention_mask_embedding", // Attention with the Embedding's mask
  "attention_use_scale", // two inputs, return_attention_scores
  "mha_mask_embedding", // MultiHeadAttention with the mask
  "mha_scores", // MultiHeadAttention scores
];

Deno.test("WorkerPool.predict on conv, pooling and attention models is bit-identical", async () => {
  await using pool = await WorkerPool.create({ workers: 2, oversubscribe: true });
  for (const name of CASES) {
    const { model, runs } = readCase(name, {}, "keras-layers");
    const inputs = runs[0].inputs.map((t) => widen(t));
    const want = model.predictFlat(inputs);
    for (const shardRows of [1, 3]) {
      const got = await pool.predictFlat(model, inputs, { shardRows });
      assert.equal(got.length, want.length, name);
      got.forEach((g, i) => {
        assert.deepEqual(g.shape, want[i].shape, `${name} output ${i} shape`);
        assert.deepEqual(g.data, want[i].data, `${name} output ${i} bits (shardRows ${shardRows})`);
      });
    }
  }
});
