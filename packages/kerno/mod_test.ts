import assert from "node:assert/strict";
import {
  initializers,
  Input,
  layers,
  Model,
  resetLayerNames,
  type SymbolicTensor,
  type Tensor,
  tensor,
} from "./mod.ts";

Deno.test("@kerno/kerno runs the README's LSTM(1, returnState) example end to end", () => {
  resetLayerNames();
  const inputs = Input({ shape: [3, 1] });
  const lstm = new layers.LSTM(1, {
    returnSequences: true,
    returnState: true,
    kernelInitializer: new initializers.Constant(0.5),
    recurrentInitializer: new initializers.Constant(0.5),
  });
  const [seq, h, c] = lstm.apply(inputs) as SymbolicTensor[];
  const model = new Model({ inputs, outputs: [seq, h, c] });
  const lines: string[] = [];
  model.summary((line) => lines.push(line));
  assert.match(lines.join("\n"), /lstm \(LSTM\)/);
  assert.match(lines.join("\n"), /Total params: 12 \(48\.00 B\)/);
  const [ys, hs, cs] = model.predict(tensor([0.1, 0.2, 0.3], [1, 3, 1])) as Tensor[];
  assert.deepEqual([ys.shape, hs.shape, cs.shape], [[1, 3, 1], [1, 1], [1, 1]]);
  // The last output of the sequence is the final hidden state.
  assert.equal(ys.data[2], hs.data[0]);
  // One LSTM step by hand for t = 0: all gates see z = 0.5·0.1 (+ bias 1 for the forget gate).
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const c0 = sig(0.05) * Math.tanh(0.05);
  const h0 = sig(0.05) * Math.tanh(c0);
  assert.ok(Math.abs(ys.data[0] - h0) < 1e-6, `h(0) = ${ys.data[0]}, expected ${h0}`);
});
