/**
 * Models with convolution, pooling, ConvLSTM and attention layers built in TypeScript write the
 * same Keras 3 config as the fixture's `python_code` wrote in Python (call arguments such as
 * `return_attention_scores` and MultiHeadAttention's positional `(query, value)` included).
 */
import assert from "node:assert/strict";
import {
  Attention,
  AveragePooling1D,
  Conv1D,
  ConvLSTM2D,
  Dense,
  LSTM,
  MultiHeadAttention,
  resetLayerNames,
  type SymbolicTensor,
} from "@kerno/layers";
import { Input, Model, Sequential } from "@kerno/model";
import { Concatenate } from "@kerno/layers";

const DIR = new URL("./fixtures/keras-layers/", import.meta.url);

async function fixtureConfig(name: string): Promise<unknown> {
  const text = await Deno.readTextFile(new URL(`${name}/case.json`, DIR));
  return JSON.parse(text).model_config;
}

Deno.test("Conv1D → AveragePooling1D → LSTM in code equals Keras's config (cnn_lstm_same_stride_avgpool)", async () => {
  resetLayerNames();
  const model = new Sequential([
    Input({ shape: [12, 3] }),
    new Conv1D(4, 3, { strides: 2, padding: "same" }),
    new AveragePooling1D(2, { padding: "same" }),
    new LSTM(4, { returnSequences: true }),
  ]);
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("cnn_lstm_same_stride_avgpool"));
});

Deno.test("ConvLSTM2D(returnState) in code equals Keras's config (convlstm2d_last_state)", async () => {
  resetLayerNames();
  const x = Input({ shape: [3, 5, 5, 1] });
  const outs = new ConvLSTM2D(2, 2, { returnState: true }).apply(x) as SymbolicTensor[];
  const model = new Model({ inputs: x, outputs: outs });
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("convlstm2d_last_state"));
});

Deno.test("Attention(return_attention_scores) in code equals Keras's config (attention_use_scale)", async () => {
  resetLayerNames();
  const encIn = Input({ shape: [4, 3] });
  const decIn = Input({ shape: [5, 3] });
  const [enc, h, c] = new LSTM(4, { returnSequences: true, returnState: true })
    .apply(encIn) as SymbolicTensor[];
  const dec = new LSTM(4, { returnSequences: true })
    .apply(decIn, { initialState: [h, c] }) as SymbolicTensor;
  const [ctx, sc] = new Attention({ useScale: true }).apply([dec, enc], {
    callArgs: { return_attention_scores: true },
  }) as SymbolicTensor[];
  const y = new Dense(3).apply(new Concatenate().apply([dec, ctx]) as SymbolicTensor);
  const model = new Model({ inputs: [encIn, decIn], outputs: [y as SymbolicTensor, sc] });
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("attention_use_scale"));
});

Deno.test("MultiHeadAttention(h, h, use_causal_mask) in code equals Keras's config (mha_causal)", async () => {
  resetLayerNames();
  const x = Input({ shape: [5, 3] });
  const h = new LSTM(4, { returnSequences: true }).apply(x) as SymbolicTensor;
  const a = new MultiHeadAttention(2, 4).apply([h, h], {
    callArgs: { use_causal_mask: true },
  }) as SymbolicTensor;
  const model = new Model({ inputs: x, outputs: a });
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("mha_causal"));
});
