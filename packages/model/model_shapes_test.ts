import assert from "node:assert/strict";
import { LSTM, type SymbolicTensor } from "@kerno/layers";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";

Deno.test("Model.inputShape and outputShape give one shape, or a list for several", () => {
  const x = Input({ shape: [null, 3] });
  const [seq, h, c] = new LSTM(4, { returnSequences: true, returnState: true })
    .apply(x) as SymbolicTensor[];
  const many = new Model({ inputs: x, outputs: [seq, h, c] });
  assert.deepEqual(many.inputShape, [null, null, 3]);
  assert.deepEqual(many.outputShape, [[null, null, 4], [null, 4], [null, 4]]);
  const one = new Model({ inputs: x, outputs: h });
  assert.deepEqual(one.outputShape, [null, 4]);
});
