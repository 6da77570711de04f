import assert from "node:assert/strict";
import { Random, type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { LSTM } from "../rnn/lstm.ts";
import { setMaskOf } from "../layer.ts";
import { ConvLSTM1D, ConvLSTM2D } from "./conv_lstm.ts";
import { fixtureLayers } from "./_fixture_test_util.ts";

function randomTensor(rng: Random, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

Deno.test("ConvLSTM2D with a 1×1 kernel is an LSTM(1) run on every pixel", () => {
  const rng = new Random(2);
  const x = randomTensor(rng, [2, 4, 3, 3, 1]);
  const conv = new ConvLSTM2D(1, 1, { returnSequences: true });
  const y = conv.apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 4, 3, 3, 1]);
  const lstm = new LSTM(1, { returnSequences: true });
  lstm.build([[null, 4, 1]]);
  lstm.setWeights(conv.getWeights().map((w) => w.reshape(w.shape.slice(-2))));
  for (let b = 0; b < 2; b++) {
    for (let p = 0; p < 9; p++) {
      const seq = tensor([0, 1, 2, 3].map((t) => x.f32[(b * 4 + t) * 9 + p]), [1, 4, 1]);
      const want = (lstm.apply(seq) as Tensor).f32;
      const got = [0, 1, 2, 3].map((t) => y.f32[(b * 4 + t) * 9 + p]);
      got.forEach((g, t) => assert.ok(Math.abs(g - want[t]) <= 1e-6, `row ${b} pixel ${p} t ${t}`));
    }
  }
});

Deno.test("ConvLSTM1D returns the last output and its states with their spatial shape", () => {
  const layer = new ConvLSTM1D(3, 2, { returnState: true });
  const [out, h, c] = layer.apply(randomTensor(new Random(1), [2, 5, 6, 4])) as Tensor[];
  assert.deepEqual([out.shape, h.shape, c.shape], [[2, 5, 3], [2, 5, 3], [2, 5, 3]]);
  assert.deepEqual([...out.f32], [...h.f32]);
  assert.deepEqual(layer.weights.map((w) => [w.path, w.shape]), [
    [`${layer.name}/conv_lstm_cell/kernel`, [2, 4, 12]],
    [`${layer.name}/conv_lstm_cell/recurrent_kernel`, [2, 3, 12]],
    [`${layer.name}/conv_lstm_cell/bias`, [12]],
  ]);
  // unit_forget_bias: the forget gate's bias starts at 1
  assert.deepEqual([...layer.getWeights()[2].f32], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
});

Deno.test("ConvLSTM keeps its states over masked steps and takes spatial initial states", () => {
  const rng = new Random(4);
  const layer = new ConvLSTM1D(2, 3, { padding: "same" });
  const x = randomTensor(rng, [2, 3, 4, 1]);
  const full = layer.apply(x) as Tensor;
  const masked = tensor([...x.f32], x.shape);
  setMaskOf(masked, tensor([[1, 1, 1], [1, 1, 0]], undefined, "bool"));
  const y = layer.apply(masked) as Tensor;
  assert.deepEqual([...y.f32.subarray(0, 8)], [...full.f32.subarray(0, 8)]);
  const twoSteps = layer.apply(tensor([...x.f32.subarray(12, 20)], [1, 2, 4, 1])) as Tensor;
  assert.deepEqual([...y.f32.subarray(8)], [...twoSteps.f32]);
  const zeros = tensor(new Array(16).fill(0), [2, 4, 2]);
  const same = layer.apply(x, { initialState: [zeros, zeros] }) as Tensor;
  assert.deepEqual([...same.f32], [...full.f32]);
  assert.throws(
    () => layer.apply(x, { initialState: [tensor(new Array(16).fill(0), [2, 8]), zeros] }),
    /initial state 0 must have shape \(2, 4, 2\), received \(2, 8\)/,
  );
});

Deno.test("ConvLSTM configs round-trip (convlstm1d_seq, convlstm2d_last_state)", () => {
  for (
    const [name, cls] of [["convlstm1d_seq", "ConvLSTM1D"], ["convlstm2d_last_state", "ConvLSTM2D"]]
  ) {
    const [{ entry, shapes }] = fixtureLayers(name, cls);
    const layer = deserializeLayer(entry);
    layer.build(shapes!);
    assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(entry), name);
  }
  assert.throws(
    () => new ConvLSTM2D(2, 3).build([[null, 4, null, 5, 1]]),
    /ConvLSTM layers only support static input shapes/,
  );
  assert.throws(
    () => new ConvLSTM1D(2, 3, { strides: 2, dilationRate: 2 }),
    /`strides > 1` is not compatible with `dilation_rate > 1`/,
  );
});
