import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { GRUCell } from "./mod.ts";

const sig = (v: number) => 1 / (1 + Math.exp(-v));

function stepOne(resetAfter: boolean): number {
  const cell = new GRUCell(1, { resetAfter });
  cell.build([[null, 1]]);
  const bias = resetAfter ? tensor([[0, 0, 0], [0, 0, 1]]) : tensor([0, 0, 1]);
  cell.setWeights([tensor([[1, 1, 1]]), tensor([[1, 1, 1]]), bias]);
  return cell.step(tensor([[0.5]]), [tensor([[0.3]])]).output.f32[0];
}

Deno.test("GRUCell resetAfter puts the recurrent bias inside the reset product", () => {
  const z = sig(0.8);
  const hh = Math.tanh(0.5 + z * (0.3 + 1));
  assert.ok(Math.abs(stepOne(true) - (z * 0.3 + (1 - z) * hh)) < 1e-6);
});

Deno.test("GRUCell without resetAfter multiplies h by r before the matmul", () => {
  const z = sig(0.8);
  const hh = Math.tanh(0.5 + 1 + z * 0.3);
  assert.ok(Math.abs(stepOne(false) - (z * 0.3 + (1 - z) * hh)) < 1e-6);
});

Deno.test("GRUCell has one integer state (return_state does not nest it)", () => {
  const cell = new GRUCell(5);
  assert.deepEqual(cell.stateSize, [5]);
  assert.equal(cell.stateIsList, false);
  assert.deepEqual(cell.getConfig().reset_after, true);
});
