import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { SimpleRNNCell } from "./mod.ts";

Deno.test("SimpleRNNCell step is act(x·kernel + h·recurrent_kernel + bias)", () => {
  const cell = new SimpleRNNCell(2, { activation: "relu" });
  cell.build([[null, 1]]);
  cell.setWeights([tensor([[1, -1]]), tensor([[1, 0], [0, 2]]), tensor([0.5, 0.25])]);
  const r = cell.step(tensor([[2], [1]]), [tensor([[1, 1], [0, -3]])]);
  assert.deepEqual([...r.output.f32], [3.5, 0.25, 1.5, 0]);
  assert.deepEqual([...r.states[0].f32], [3.5, 0.25, 1.5, 0]);
});

Deno.test("SimpleRNNCell writes a seed key and no recurrent_activation", () => {
  const c = new SimpleRNNCell(3, { seed: 7 }).getConfig();
  assert.equal(c.seed, 7);
  assert.equal("recurrent_activation" in c, false);
  assert.equal(c.activation, "tanh");
});

Deno.test("SimpleRNNCell fromConfig refuses unknown keys", () => {
  assert.throws(
    () => SimpleRNNCell.fromConfig({ name: "c", units: 2, wat: true }),
    /SimpleRNNCell layer "c": unsupported argument "wat" = true/,
  );
});
