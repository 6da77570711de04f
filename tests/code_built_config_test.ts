/**
 * Models built in TypeScript write the same Keras 3 config as the same models built in Python:
 * each test repeats a fixture's `python_code` with Kerno and compares `toJSON()` with the
 * fixture's `model_config`, including the `NotEqual`/`Any` mask nodes Keras records.
 */
import assert from "node:assert/strict";
import {
  Embedding,
  LSTM,
  Masking,
  resetLayerNames,
  SimpleRNN,
  type SymbolicTensor,
} from "@kerno/layers";
import { Input, Model } from "@kerno/model";

const DIR = new URL("./fixtures/keras/", import.meta.url);

async function fixtureConfig(name: string): Promise<unknown> {
  const text = await Deno.readTextFile(new URL(`${name}/case.json`, DIR));
  return JSON.parse(text).model_config;
}

Deno.test("Model.toJSON of Masking → LSTM(returnState) equals Keras's config (masking_lstm_state)", async () => {
  resetLayerNames();
  // x = Input(shape=(6, 3)); m = Masking(mask_value=0.0)(x)
  // seq, h, c = LSTM(4, return_sequences=True, return_state=True)(m); Model(x, [seq, h, c])
  const x = Input({ shape: [6, 3] });
  const m = new Masking({ maskValue: 0 }).apply(x) as SymbolicTensor;
  const outs = new LSTM(4, { returnSequences: true, returnState: true }).apply(
    m,
  ) as SymbolicTensor[];
  const model = new Model({ inputs: x, outputs: outs });
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("masking_lstm_state"));
});

Deno.test("Model.toJSON of Embedding(maskZero) → LSTM(initialState) → SimpleRNN equals Keras's config", async () => {
  resetLayerNames();
  const tokens = Input({ shape: [6], dtype: "int32" });
  const h0 = Input({ shape: [4] });
  const c0 = Input({ shape: [4] });
  const e = new Embedding(10, 4, { maskZero: true }).apply(tokens) as SymbolicTensor;
  const [seq, h, c] = new LSTM(4, { returnSequences: true, returnState: true })
    .apply(e, { initialState: [h0, c0] }) as SymbolicTensor[];
  const y = new SimpleRNN(3).apply(seq) as SymbolicTensor;
  const model = new Model({ inputs: [tokens, h0, c0], outputs: [seq, h, c, y] });
  assert.deepEqual(JSON.parse(model.toJSON()), await fixtureConfig("embedding_mask_initial_state"));
});
