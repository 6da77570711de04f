import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { configRoundTrip, runCase } from "./_fixture_test_util.ts";
import { MinimalRNNCell, minimalWeights } from "./_minimal_cell_test_util.ts";
import { Bidirectional, GRU, LSTM, RNN, SimpleRNN } from "./mod.ts";

const CASES = [
  ...["lstm", "gru", "simplernn"].flatMap((k) =>
    ["concat_seq", "concat_last", "sum_seq", "mul_seq", "ave_seq", "none_seq"].map((m) =>
      `bidi_${k}_${m}`
    )
  ),
  "bidi_lstm_state_seq",
  "bidi_lstm_state_last",
  "bidi_lstm_none_state",
  "bidi_gru_state_seq",
  "bidi_simplernn_state_last",
  "bidi_lstm_initial_state",
  "bidi_custom_backward_layer",
  "masking_bidi_lstm_seq",
  "masking_bidi_gru_last",
  "batch37_bidi_gru_mask",
  "seed_bilstm_constant",
  "size_bilstm64_seq",
];

for (const name of CASES) {
  Deno.test(`Bidirectional matches Keras 3 on ${name}`, () => {
    const r = runCase(name);
    assert.equal(r.layer.className, "Bidirectional");
    assert.ok(r.maxDiff < 1e-4, `max |diff| ${r.maxDiff}`);
  });
}

Deno.test("Bidirectional getConfig equals the Keras config key for key", () => {
  for (
    const name of [
      "bidi_lstm_concat_seq",
      "bidi_gru_none_seq",
      "bidi_custom_backward_layer",
      "bidi_lstm_initial_state",
    ]
  ) {
    const { got, want } = configRoundTrip(name);
    assert.deepStrictEqual(got, want, name);
  }
});

Deno.test("Bidirectional names its copies forward_<name> and backward_<name>", () => {
  const bi = new Bidirectional(new LSTM(3, { name: "enc", returnSequences: true }));
  assert.equal(bi.forwardLayer.name, "forward_enc");
  assert.equal(bi.backwardLayer.name, "backward_enc");
  assert.equal(bi.backwardLayer.goBackwards, true);
  assert.equal(bi.forwardLayer.zeroOutputForMask, true);
  assert.deepEqual(bi.children().map(([k, l]) => [k, (l as RNN).name]), [
    ["forward_layer", "forward_enc"],
    ["backward_layer", "backward_enc"],
  ]);
  bi.build([[null, 4, 2]]);
  assert.equal(bi.weights[3].path, `${bi.name}/backward_enc/lstm_cell/kernel`);
  const custom = new Bidirectional(new LSTM(3), {
    backwardLayer: new GRU(2, { name: "my_gru", goBackwards: true }),
  });
  assert.equal(custom.backwardLayer.name, "my_gru");
});

Deno.test("Bidirectional refuses an invalid merge mode with Keras's message", () => {
  assert.throws(
    () => new Bidirectional(new LSTM(4), { mergeMode: "max" as "sum" }),
    {
      name: "RangeError",
      message: 'Invalid merge mode. Received: max. Merge mode should be one of {"sum", "mul", ' +
        '"ave", "concat", None}',
    },
  );
});

Deno.test("Bidirectional refuses a backward layer going the same direction", () => {
  assert.throws(
    () => new Bidirectional(new LSTM(4), { backwardLayer: new LSTM(4) }),
    /should have different `go_backwards` value. Received: forward_layer.go_backwards=false, backward_layer.go_backwards=false/,
  );
  assert.throws(
    () =>
      new Bidirectional(new LSTM(4), {
        backwardLayer: new LSTM(4, { goBackwards: true, returnSequences: true }),
      }),
    /the same value for attribute "returnSequences", got "false" for forward layer/,
  );
});

Deno.test("Bidirectional runs a user-written cell in both directions", () => {
  const bi = new Bidirectional(new RNN(new MinimalRNNCell(2), { returnSequences: true }));
  bi.build([[null, 3, 1]]);
  bi.setWeights([...minimalWeights(), ...minimalWeights()]);
  const y = bi.apply(tensor([1, 2, 3], [1, 3, 1])) as Tensor;
  assert.deepEqual(y.shape, [1, 3, 4]);
  assert.deepEqual([...y.f32], [1, -1, 2.75, -2.75, 2.5, -2.5, 3.5, -3.5, 4.25, -4.25, 3, -3]);
});

Deno.test("Bidirectional merge_mode null returns both sequences and their masks", () => {
  const bi = new Bidirectional(new SimpleRNN(2, { returnSequences: true, returnState: true }), {
    mergeMode: null,
  });
  assert.equal(bi.outputCount(), 4);
  assert.deepEqual(bi.outputsHaveMask([true]), [true, true, false, false]);
  const out = bi.apply(tensor([1, 2, 3], [1, 3, 1])) as Tensor[];
  assert.deepEqual(out.map((t) => t.shape), [[1, 3, 2], [1, 3, 2], [1, 2], [1, 2]]);
  // The backward sequence is back in forward time: its first row is the backward final state.
  assert.deepEqual([...out[1].f32.slice(0, 2)], [...out[3].f32]);
});

Deno.test("Bidirectional resetStates requires a stateful layer", () => {
  assert.throws(() => new Bidirectional(new LSTM(2)).resetStates(), /must be stateful/);
});
