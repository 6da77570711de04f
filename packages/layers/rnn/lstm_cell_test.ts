import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { resetLayerNames } from "../naming.ts";
import { configRoundTrip } from "./_fixture_test_util.ts";
import { LSTMCell } from "./mod.ts";

const sig = (v: number) => 1 / (1 + Math.exp(-v));

Deno.test("LSTMCell step computes the i, f, c, o gates in Keras's order", () => {
  const cell = new LSTMCell(1, {
    kernelInitializer: "ones",
    recurrentInitializer: "zeros",
    unitForgetBias: false,
  });
  cell.build([[null, 1]]);
  // Distinct gate pre-activations: kernel [0.1, 0.2, 0.3, 0.4].
  cell.setWeights([tensor([[0.1, 0.2, 0.3, 0.4]]), tensor([[0, 0, 0, 0]]), tensor([0, 0, 0, 0])]);
  const r = cell.step(tensor([[2]]), [tensor([[0]]), tensor([[0.5]])]);
  const [i, f, g, o] = [sig(0.2), sig(0.4), Math.tanh(0.6), sig(0.8)];
  const c = f * 0.5 + i * g;
  assert.ok(Math.abs(r.states[1].f32[0] - c) < 1e-6);
  assert.ok(Math.abs(r.output.f32[0] - o * Math.tanh(c)) < 1e-6);
  assert.deepEqual([...r.states[0].f32], [...r.output.f32]);
});

Deno.test("LSTMCell auto-names standalone cells lstm_cell, lstm_cell_1", () => {
  resetLayerNames();
  assert.deepEqual([new LSTMCell(2).name, new LSTMCell(2).name], ["lstm_cell", "lstm_cell_1"]);
});

Deno.test("LSTMCell call takes [x, h, c] and returns [output, h, c]", () => {
  const cell = new LSTMCell(3);
  const out = cell.apply([tensor([[1, 2]]), Tensor.zeros([1, 3]), Tensor.zeros([1, 3])]);
  assert.ok(Array.isArray(out));
  assert.deepEqual((out[0] as Tensor).shape, [1, 3]);
  assert.deepEqual((out[1] as Tensor[]).map((t) => t.shape), [[1, 3], [1, 3]]);
  assert.throws(
    () => cell.step(tensor([[1, 2, 3]]), [Tensor.zeros([1, 3]), Tensor.zeros([1, 3])]),
    /expects inputs of shape \(batch, 2\)/,
  );
});

Deno.test("LSTMCell getConfig equals the Keras cell config inside RNN", () => {
  const { got } = configRoundTrip("rnn_lstmcell");
  const cell = (got.config as { cell: { config: Record<string, unknown> } }).cell.config;
  assert.deepEqual(Object.keys(cell), [
    "name",
    "trainable",
    "dtype",
    "units",
    "activation",
    "recurrent_activation",
    "use_bias",
    "unit_forget_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
  ]);
});

Deno.test("LSTMCell clamps dropout rates to [0, 1] as Keras does", () => {
  const cell = new LSTMCell(2, { dropout: 1.5, recurrentDropout: -1 });
  assert.equal(cell.getConfig().dropout, 1);
  assert.equal(cell.getConfig().recurrent_dropout, 0);
});
