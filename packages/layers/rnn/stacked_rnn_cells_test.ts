import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { GRUCell, LSTMCell, RNN, SimpleRNNCell, StackedRNNCells } from "./mod.ts";

Deno.test("StackedRNNCells concatenates state sizes and nests them per cell", () => {
  const stack = new StackedRNNCells([new LSTMCell(6), new GRUCell(4), new SimpleRNNCell(3)]);
  assert.deepEqual(stack.stateSize, [6, 6, 4, 3]);
  assert.equal(stack.outputSize, 3);
  assert.deepEqual(stack.stateStructure(1), [[1, 2], 3, 4]);
  assert.deepEqual(stack.children()[0][0], "cells");
});

Deno.test("StackedRNNCells builds each cell on the previous cell's output", () => {
  const a = new LSTMCell(6);
  const b = new LSTMCell(4);
  const rnn = new RNN(new StackedRNNCells([a, b]));
  rnn.build([[null, 5, 3]]);
  assert.deepEqual(a.weights.map((w) => w.shape), [[3, 24], [6, 24], [24]]);
  assert.deepEqual(b.weights.map((w) => w.shape), [[6, 16], [4, 16], [16]]);
  assert.equal(b.weights[0].path, `${rnn.name}/${rnn.cell.name}/${b.name}/kernel`);
  assert.equal(rnn.countParams(), 3 * 24 + 6 * 24 + 24 + 6 * 16 + 4 * 16 + 16);
});

Deno.test("StackedRNNCells step runs the cells in turn", () => {
  const a = new SimpleRNNCell(2, { kernelInitializer: "ones", recurrentInitializer: "zeros" });
  const b = new SimpleRNNCell(1, {
    kernelInitializer: "ones",
    recurrentInitializer: "zeros",
    activation: null,
  });
  const stack = new StackedRNNCells([a, b]);
  stack.build([[null, 1]]);
  const r = stack.step(tensor([[0.5]]), [Tensor.zeros([1, 2]), Tensor.zeros([1, 1])]);
  const h = Math.fround(Math.tanh(0.5));
  assert.deepEqual([...r.states[0].f32], [h, h]);
  assert.deepEqual([...r.output.f32], [Math.fround(2 * h)]);
});

Deno.test("StackedRNNCells refuses an empty list", () => {
  assert.throws(() => new StackedRNNCells([]), /needs at least one cell/);
});
