import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { configRoundTrip, runCase } from "./_fixture_test_util.ts";
import { SimpleRNN } from "./mod.ts";

const CASES = [
  "simplernn_default",
  "simplernn_seq",
  "simplernn_state",
  "simplernn_seq_state",
  "simplernn_go_backwards",
  "simplernn_relu",
  "simplernn_nobias",
  "masking_simplernn_seq",
  "long_simplernn",
  "odd_simplernn_u33_f31",
];

for (const name of CASES) {
  Deno.test(`SimpleRNN matches Keras 3 on ${name}`, () => {
    const r = runCase(name);
    assert.equal(r.layer.className, "SimpleRNN");
    assert.ok(r.maxDiff < 1e-4, `max |diff| ${r.maxDiff}`);
  });
}

Deno.test("SimpleRNN getConfig equals the Keras config key for key (no seed key)", () => {
  for (const name of ["simplernn_default", "simplernn_relu", "simplernn_nobias"]) {
    const { got, want } = configRoundTrip(name);
    assert.deepStrictEqual(got, want, name);
    const g = got.config as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(g), Object.keys(want.config as object), name);
    assert.equal("seed" in g, false);
  }
});

Deno.test("SimpleRNN countParams matches Keras (SimpleRNN(128) on 3 features)", () => {
  const rnn = new SimpleRNN(128);
  rnn.build([[null, 4, 3]]);
  assert.equal(rnn.countParams(), 16_896);
});

Deno.test("SimpleRNN refuses inputs that are not 3-D, as Keras words it", () => {
  const rnn = new SimpleRNN(50, { name: "simple_rnn" });
  assert.throws(
    () => rnn.apply(tensor([[1, 2, 3]])),
    {
      name: "TypeError",
      message: 'Input 0 of layer "simple_rnn" is incompatible with the layer: expected ' +
        "ndim=3, found ndim=2. Full shape received: (1, 3)",
    },
  );
});

Deno.test("SimpleRNN refuses a feature count other than the one it was built for", () => {
  const rnn = new SimpleRNN(2, { name: "srnn" });
  rnn.build([[null, 5, 3]]);
  assert.throws(
    () => rnn.apply(tensor(new Array(8).fill(0), [1, 2, 4])),
    {
      name: "TypeError",
      message: 'Layer "srnn" was built for inputs with 3 features (last axis), but received ' +
        "shape (1, 2, 4) with 4",
    },
  );
});

Deno.test("SimpleRNN refuses units that are not a positive integer", () => {
  assert.throws(() => new SimpleRNN(0), {
    name: "RangeError",
    message: "SimpleRNNCell: received an invalid value for argument `units`, expected a " +
      "positive integer, got 0",
  });
});
