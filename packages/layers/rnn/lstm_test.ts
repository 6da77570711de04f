import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { configRoundTrip, runCase } from "./_fixture_test_util.ts";
import { Bidirectional, LSTM, type LSTMCell } from "./mod.ts";

const CASES = [
  "lstm_default",
  "lstm_seq",
  "lstm_state",
  "lstm_seq_state",
  "lstm_go_backwards",
  "lstm_nobias",
  "lstm_relu",
  "lstm_hard_sigmoid",
  "lstm_unit_forget_bias_true",
  "lstm_unit_forget_bias_false",
  "lstm_initial_state",
  "lstm_unroll",
  "lstm_dropout_inference",
  "masking_lstm_seq",
  "masking_lstm_last",
  "masking_lstm_state",
  "masking_lstm_go_backwards",
  "stateful_lstm",
  "variable_timesteps_lstm",
  "long_lstm",
  "odd_lstm_u7_f13_b5",
  "size_lstm128",
  "batch37_lstm_seq_state",
];

for (const name of CASES) {
  Deno.test(`LSTM matches Keras 3 on ${name}`, () => {
    const r = runCase(name);
    assert.equal(r.layer.className, "LSTM");
    assert.ok(r.maxDiff < 1e-4, `max |diff| ${r.maxDiff}`);
  });
}

Deno.test("LSTM getConfig equals the Keras config key for key", () => {
  for (const name of ["lstm_default", "lstm_hard_sigmoid", "lstm_initial_state", "stateful_lstm"]) {
    const { got, want } = configRoundTrip(name);
    assert.deepStrictEqual(got, want, name);
    const g = got.config as Record<string, unknown>;
    const w = want.config as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(g), Object.keys(w), `${name} key order`);
  }
});

Deno.test("LSTM countParams matches Keras (LSTM(1000, use_bias=False) on 10 features)", () => {
  const lstm = new LSTM(1000, { useBias: false, recurrentInitializer: "zeros" });
  lstm.build([[null, 5, 10]]);
  assert.equal(lstm.countParams(), 4_040_000);
  assert.deepEqual(lstm.weights.map((w) => w.shape), [[10, 4000], [1000, 4000]]);
});

Deno.test("LSTM names its cell lstm_cell and its weights lstm/lstm_cell/…", () => {
  const lstm = new LSTM(2, { name: "enc" });
  lstm.build([[null, 3, 1]]);
  assert.deepEqual(lstm.weights.map((w) => w.path), [
    "enc/lstm_cell/kernel",
    "enc/lstm_cell/recurrent_kernel",
    "enc/lstm_cell/bias",
  ]);
});

Deno.test("LSTM unitForgetBias starts the forget-gate bias at 1", () => {
  const lstm = new LSTM(2);
  lstm.build([[null, 3, 1]]);
  assert.deepEqual([...lstm.getWeights()[2].f32], [0, 0, 1, 1, 0, 0, 0, 0]);
  const plain = new LSTM(2, { unitForgetBias: false });
  plain.build([[null, 3, 1]]);
  assert.deepEqual([...plain.getWeights()[2].f32], [0, 0, 0, 0, 0, 0, 0, 0]);
});

Deno.test("LSTM returns [sequence, h, c] with returnSequences and returnState", () => {
  const lstm = new LSTM(3, { returnSequences: true, returnState: true });
  const out = lstm.apply(tensor([0.1, 0.2, 0.3, 0.4], [2, 2, 1])) as Tensor[];
  assert.deepEqual(out.map((t) => t.shape), [[2, 2, 3], [2, 3], [2, 3]]);
  // h is the last step of the sequence.
  assert.deepEqual([...out[1].f32], [...out[0].f32.slice(3, 6), ...out[0].f32.slice(9, 12)]);
});

Deno.test("LSTM refuses an invalid use_cudnn and unknown config keys", () => {
  assert.throws(
    () => new LSTM(2, { useCudnn: "yes" as unknown as boolean }),
    /Invalid value received for argument `use_cudnn`.*Received: use_cudnn=yes/,
  );
  assert.throws(
    () => LSTM.fromConfig({ name: "l", units: 2, bogus: 1 }),
    /LSTM layer "l": unsupported argument "bogus" = 1/,
  );
});

Deno.test("LSTM reads hard_sigmoid as Keras 2's 0.2x + 0.5 when the loader asks for it", () => {
  const config = {
    name: "old",
    units: 1,
    recurrent_activation: "hard_sigmoid",
    activation: "linear",
  };
  const gateOf = (layer: LSTM) => {
    layer.build([[null, 1, 1]]);
    // z = 1 for every gate: c = hs(1)·linear(1), h = hs(1)·c.
    layer.setWeights([tensor([[1, 1, 1, 1]]), tensor([[0, 0, 0, 0]]), tensor([0, 0, 0, 0])]);
    return (layer.apply(tensor([[[1]]])) as Tensor).f32[0];
  };
  const k3 = gateOf(LSTM.fromConfig({ ...config }));
  const k2 = gateOf(LSTM.fromConfig({ ...config }, { keras2HardSigmoid: true }));
  assert.equal(k3, Math.fround(Math.fround(1 / 6 + 0.5) ** 2));
  assert.equal(k2, Math.fround(Math.fround(0.7) ** 2));
  const bi = Bidirectional.fromConfig(
    { name: "bi", layer: { class_name: "LSTM", config }, merge_mode: "sum" },
    { keras2HardSigmoid: true },
  );
  assert.equal((bi.forwardLayer.cell as LSTMCell).args.keras2HardSigmoid, true);
  assert.equal((bi.backwardLayer.cell as LSTMCell).args.keras2HardSigmoid, true);
  assert.equal(bi.forwardLayer.cell.getConfig().recurrent_activation, "hard_sigmoid");
});
