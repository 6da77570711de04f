import assert from "node:assert/strict";
import type { Tensor } from "@kerno/tensor";
import { tensor } from "@kerno/tensor";
import { configRoundTrip, runCase } from "./_fixture_test_util.ts";
import { GRU } from "./mod.ts";

const CASES = [
  "gru_default",
  "gru_reset_after_true",
  "gru_reset_after_false",
  "gru_reset_after_false_hard_sigmoid",
  "gru_go_backwards",
  "gru_nobias",
  "gru_initial_state",
  "masking_gru_seq",
  "stateful_gru",
  "long_gru",
  "odd_gru_u17_f3_b3",
  "size_gru128",
];

for (const name of CASES) {
  Deno.test(`GRU matches Keras 3 on ${name}`, () => {
    const r = runCase(name);
    assert.equal(r.layer.className, "GRU");
    assert.ok(r.maxDiff < 1e-4, `max |diff| ${r.maxDiff}`);
  });
}

Deno.test("GRU getConfig equals the Keras config key for key", () => {
  for (const name of ["gru_default", "gru_reset_after_false", "gru_initial_state"]) {
    const { got, want } = configRoundTrip(name);
    assert.deepStrictEqual(got, want, name);
    const g = got.config as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(g), Object.keys(want.config as object), name);
  }
});

Deno.test("GRU countParams matches Keras (GRU(128, use_bias=False) on 10 features)", () => {
  const gru = new GRU(128, { useBias: false });
  gru.build([[null, 5, 10]]);
  assert.equal(gru.countParams(), 52_992);
});

Deno.test("GRU bias is (2, 3u) with resetAfter and (3u) without", () => {
  const a = new GRU(4);
  a.build([[null, 2, 3]]);
  assert.deepEqual(a.weights.map((w) => w.shape), [[3, 12], [4, 12], [2, 12]]);
  assert.equal(a.weights[0].path, "gru/gru_cell/kernel".replace("gru/", `${a.name}/`));
  const b = new GRU(4, { resetAfter: false });
  b.build([[null, 2, 3]]);
  assert.deepEqual(b.weights.map((w) => w.shape), [[3, 12], [4, 12], [12]]);
});

Deno.test("GRU returnState gives [output, h] with h equal to the last output", () => {
  const out = new GRU(3, { returnState: true }).apply(
    tensor([0.5, -0.5, 0.25], [1, 3, 1]),
  ) as Tensor[];
  assert.deepEqual(out.map((t) => t.shape), [[1, 3], [1, 3]]);
  assert.deepEqual([...out[0].f32], [...out[1].f32]);
});
