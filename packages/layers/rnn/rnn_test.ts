import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { configRoundTrip, runCase } from "./_fixture_test_util.ts";
import { MinimalRNNCell, minimalWeights } from "./_minimal_cell_test_util.ts";
import { GRUCell, LSTM, LSTMCell, RNN, SimpleRNNCell, StackedRNNCells } from "./mod.ts";

const CASES = [
  "rnn_simplernncell",
  "rnn_lstmcell",
  "rnn_grucell",
  "rnn_stacked_cells_state",
  "rnn_cell_list_mixed_seq",
];

for (const name of CASES) {
  Deno.test(`RNN matches Keras 3 on ${name}`, () => {
    const r = runCase(name);
    assert.equal(r.layer.className, "RNN");
    assert.ok(r.maxDiff < 1e-4, `max |diff| ${r.maxDiff}`);
  });
}

Deno.test("RNN getConfig nests the cell (and StackedRNNCells its cells) as Keras does", () => {
  for (const name of CASES) {
    const { got, want } = configRoundTrip(name);
    assert.deepStrictEqual(got, want, name);
  }
});

Deno.test("RNN runs a user-written cell (MinimalRNNCell) step by step", () => {
  const rnn = new RNN(new MinimalRNNCell(2), { returnSequences: true, returnState: true });
  rnn.build([[null, 3, 1]]);
  rnn.setWeights(minimalWeights());
  const [seq, h] = rnn.apply(tensor([1, 2, 3], [1, 3, 1])) as Tensor[];
  assert.deepEqual([...seq.f32], [1, -1, 2.5, -2.5, 4.25, -4.25]);
  assert.deepEqual([...h.f32], [4.25, -4.25]);
  assert.equal(rnn.weights[0].path, `${rnn.name}/${rnn.cell.name}/kernel`);
});

Deno.test("RNN masks a user-written cell's steps: state carried, output repeated or zero", () => {
  const x = tensor([1, 2, 3], [1, 3, 1]);
  const mask = new Tensor(new Uint8Array([1, 0, 1]), [1, 3]);
  for (
    const [zero, want] of [[false, [1, -1, 1, -1, 3.5, -3.5]], [true, [
      1,
      -1,
      0,
      0,
      3.5,
      -3.5,
    ]]] as const
  ) {
    const rnn = new RNN(new MinimalRNNCell(2), { returnSequences: true, zeroOutputForMask: zero });
    rnn.build([[null, 3, 1]]);
    rnn.setWeights(minimalWeights());
    const seq = rnn.apply(x, { mask }) as Tensor;
    assert.deepEqual([...seq.f32], want);
  }
});

Deno.test("RNN unroll: a masked first step outputs zeros, not the initial state", () => {
  const x = tensor([1, 2], [1, 2, 1]);
  const mask = new Tensor(new Uint8Array([0, 1]), [1, 2]);
  const h0 = tensor([[5, 5]]);
  const run = (unroll: boolean) => {
    const rnn = new RNN(new MinimalRNNCell(2), { returnSequences: true, unroll });
    rnn.build([[null, 2, 1]]);
    rnn.setWeights(minimalWeights());
    return [
      ...(rnn.call([x], { masks: [mask], initialState: [h0], training: false, extraArgs: [] })[0]
        .f32),
    ];
  };
  assert.deepEqual(run(false), [5, 5, 4.5, 0.5]);
  assert.deepEqual(run(true), [0, 0, 4.5, 0.5]);
});

Deno.test("RNN fast and generic paths give identical numbers (masked, backwards)", () => {
  class SlowLSTMCell extends LSTMCell {
    override fusedSteppers() {
      return null;
    }
  }
  const x = tensor(Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)), [2, 4, 3]);
  const mask = new Tensor(new Uint8Array([1, 1, 0, 1, 0, 1, 1, 0]), [2, 4]);
  const outs = [new LSTMCell(5), new SlowLSTMCell(5)].map((cell) => {
    const rnn = new RNN(cell, { returnSequences: true, returnState: true, goBackwards: true });
    rnn.build([[null, 4, 3]]);
    rnn.setWeights(
      rnn.getWeights().map((w, i) => tensor(w.f32.map((_, j) => Math.cos(i + j) / 3), w.shape)),
    );
    return (rnn.apply(x, { mask }) as Tensor[]).map((t) => [...t.f32]);
  });
  assert.deepEqual(outs[0], outs[1]);
});

Deno.test("RNN with a list of cells stacks them and nests returned states per cell", () => {
  const rnn = new RNN([new GRUCell(3), new LSTMCell(2)], { returnState: true });
  assert.ok(rnn.cell instanceof StackedRNNCells);
  assert.deepEqual(rnn.outputStructure(), [0, 1, [2, 3]]);
  const out = rnn.apply(tensor([0.1, 0.2, 0.3, 0.4], [1, 4, 1])) as (Tensor | Tensor[])[];
  assert.deepEqual((out[0] as Tensor).shape, [1, 2]);
  assert.deepEqual((out[1] as Tensor).shape, [1, 3]);
  assert.deepEqual((out[2] as Tensor[]).map((t) => t.shape), [[1, 2], [1, 2]]);
  assert.deepEqual([...(out[0] as Tensor).f32], [...(out[2] as Tensor[])[0].f32]);
});

Deno.test("RNN computeOutputShape and masks follow returnSequences/returnState", () => {
  const rnn = new RNN(new SimpleRNNCell(4), { returnSequences: true, returnState: true });
  const ctx = { initialState: null, extraArgs: [] };
  assert.deepEqual(rnn.computeOutputShape([[null, 7, 3]], ctx), [[null, 7, 4], [null, 4]]);
  assert.deepEqual(rnn.outputsHaveMask([true]), [true, false]);
  const last = new RNN(new SimpleRNNCell(4));
  assert.deepEqual(last.computeOutputShape([[2, null, 3]], ctx), [[2, 4]]);
  assert.deepEqual(last.outputsHaveMask([true]), [false]);
});

Deno.test("RNN refuses unroll with an unknown number of timesteps", () => {
  const rnn = new LSTM(2, { unroll: true, name: "unrolled" });
  assert.throws(
    () => rnn.computeOutputShape([[null, null, 3]], { initialState: null, extraArgs: [] }),
    /Layer "unrolled": Cannot unroll a RNN if the time dimension is undefined/,
  );
});

Deno.test("RNN stateful carries the state per sample across calls until resetStates", () => {
  const data = Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i * 0.7));
  const x = tensor(data, [2, 5, 3]);
  const part = (from: number, to: number) =>
    tensor(
      [0, 1].flatMap((b) => data.slice((b * 5 + from) * 3, (b * 5 + to) * 3)),
      [2, to - from, 3],
    );
  const plain = new LSTM(4);
  plain.build([[2, 5, 3]]);
  const whole = [...(plain.apply(x) as Tensor).f32];
  const stateful = new LSTM(4, { stateful: true });
  stateful.build([[2, 5, 3]]);
  stateful.setWeights(plain.getWeights());
  stateful.apply(part(0, 2));
  assert.deepEqual([...(stateful.apply(part(2, 5)) as Tensor).f32], whole);
  stateful.resetStates();
  assert.deepEqual(stateful.states!.map((s) => [...s.f32]), [
    new Array(8).fill(0),
    new Array(8).fill(0),
  ]);
});

Deno.test("RNN stateful needs a static batch size (Keras's message)", () => {
  const lstm = new LSTM(4, { stateful: true, name: "lstm_s" });
  assert.throws(() => lstm.build([[null, 5, 3]]), {
    name: "TypeError",
    message: 'Layer "lstm_s": When using `stateful=True` in a RNN, the batch size must be ' +
      "static. Found dynamic batch size: sequence.shape=(None, 5, 3)",
  });
});

Deno.test("RNN refuses a wrong number of initial states, naming the layer", () => {
  const lstm = new LSTM(4, { name: "lstm_i" });
  const x = tensor(new Array(2 * 5 * 3).fill(0.1), [2, 5, 3]);
  assert.throws(() => lstm.apply(x, { initialState: [Tensor.zeros([2, 4])] }), {
    name: "RangeError",
    message: 'Layer "lstm_i" expects 2 initial state(s) (state sizes [4, 4]), but received 1',
  });
  assert.throws(
    () => lstm.apply(x, { initialState: [Tensor.zeros([2, 4]), Tensor.zeros([2, 3])] }),
    {
      name: "TypeError",
      message: 'Layer "lstm_i": initial state 1 must have shape (2, 4), received (2, 3)',
    },
  );
});

Deno.test("RNN build_config records initial-state shapes as Keras does", () => {
  const lstm = new LSTM(4);
  lstm.build([[null, 5, 3]], { initialState: [[null, 4], [null, 4]], extraArgs: [] });
  assert.deepEqual(lstm.getBuildConfig(), {
    shapes_dict: { sequences_shape: [null, 5, 3], initial_state_shape: [[null, 4], [null, 4]] },
  });
});

Deno.test("RNN writes its last output into context.into when that has the output's size", () => {
  const x = tensor(Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.sin(i)), [2, 4, 3]);
  const lstm = new LSTM(5, { returnState: true });
  lstm.build([[null, 4, 3]]);
  const context = { masks: [null], initialState: null, training: false, extraArgs: [] };
  const [y, h, c] = lstm.call([x], context);
  const into = new Float32Array(2 * 5).fill(NaN);
  const [yInto, hInto, cInto] = lstm.call([x], { ...context, into: [into] });
  assert.equal(yInto.data, into);
  assert.deepEqual([...into], [...y.f32]);
  assert.deepEqual([...hInto.f32], [...h.f32]);
  assert.deepEqual([...cInto.f32], [...c.f32]);
  // An array of another size is left alone: the output is a new array.
  const wrong = new Float32Array(3);
  assert.notEqual(lstm.call([x], { ...context, into: [wrong] })[0].data, wrong);
});
