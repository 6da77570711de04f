import assert from "node:assert/strict";
import { compareSummaries, parseSummary } from "./summary_rows.ts";
import { readCase } from "./case.ts";

const FIXTURES = new URL("../../tests/fixtures/keras/", import.meta.url).pathname;

Deno.test("parseSummary() reads rows, wrapped shapes and the footer of a Functional summary", async () => {
  const c = await readCase(`${FIXTURES}embedding_mask_initial_state`);
  const s = parseSummary(c.summary_text_default!);
  assert.equal(s.title, "functional");
  assert.deepEqual(s.rows.map((r) => r.name), [
    "input_layer",
    "embedding",
    "input_layer_1",
    "input_layer_2",
    "lstm",
    "not_equal",
    "simple_rnn",
  ]);
  const lstm = s.rows[4];
  assert.equal(lstm.type, "LSTM");
  assert.equal(lstm.shape, "[(None,6,4),(None,4),(None,4)]");
  assert.equal(lstm.params, 144);
  assert.equal(lstm.connectedTo, "embedding[0][0],input_layer_1[0][0],input_layer_2[0][0]");
  assert.deepEqual(s.footer, [
    "Total params: 208 (832.00 B)",
    "Trainable params: 208 (832.00 B)",
    "Non-trainable params: 0 (0.00 B)",
  ]);
});

Deno.test("parseSummary() reads thousands separators and agrees across line widths", async () => {
  const params = JSON.parse(await Deno.readTextFile(`${FIXTURES}param_counts.json`));
  const lstm1000 = params.find((p: { name: string }) => p.name === "params_lstm1000_nobias_dense");
  const s = parseSummary(lstm1000.summary_text_default);
  assert.deepEqual(s.rows.map((r) => [r.name, r.type, r.shape, r.params]), [
    ["lstm", "LSTM", "(None,5,1000)", 4040000],
    ["dense", "Dense", "(None,5,2)", 2002],
  ]);
  for (const p of params) {
    assert.deepEqual(compareSummaries(p.summary_text, p.summary_text_default), [], p.name);
  }
});

Deno.test("compareSummaries() names the row and field that differ", async () => {
  const c = await readCase(`${FIXTURES}stateful_gru`);
  const keras = c.summary_text_default!;
  assert.deepEqual(compareSummaries(keras, keras), []);
  const wrong = keras.replace("(2, 4)", "(None, 4)").replace(
    "│             108 │",
    "│             109 │",
  );
  assert.deepEqual(compareSummaries(wrong, keras), [
    'summary row 0 (gru) shape: "(None,4)" != Keras "(2,4)"',
    'summary row 0 (gru) params: "109" != Keras "108"',
  ]);
  assert.match(compareSummaries("nothing", keras)[0], /title "null" != Keras "sequential"/);
});
