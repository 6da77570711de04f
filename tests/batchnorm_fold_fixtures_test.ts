/**
 * BatchNormalization folding on the Keras cases that hold a BatchNormalization
 * (`tests/fixtures/keras-layers`): folded and unfolded runs both match Keras at the suite's
 * tolerance and each other to far less; the two cases whose BatchNormalization can fold
 * (before a Dense, before an LSTM) really do.
 */
import assert from "node:assert/strict";
import type { Tensor } from "@kerno/tensor";
import { fixtureTensor, readCase } from "../scripts/_reference/case.ts";
import { loadCaseModel } from "../scripts/_reference/load_case_model.ts";

const DIR = decodeURIComponent(new URL("./fixtures/keras-layers", import.meta.url).pathname);

/** Every case with a BatchNormalization, and whether it folds. */
const CASES: [string, boolean][] = [
  ["bn_after_lstm", true], // LSTM → BN → Dense: folds into the Dense's kernel
  ["bn_input_3d", true], // BN → LSTM: folds into the LSTM's input projection
  ["bn_axis1_time", false], // axis 1 (per timestep): not the last axis
  ["bn_no_center", false], // a model output
  ["bn_no_center_no_scale", false],
  ["bn_no_scale", false],
  ["bn_seq_3d", false],
  ["nested_sequential_layer", false], // the nested model's output
];

function maxDiff(a: readonly Tensor[], b: readonly Tensor[]): number {
  let d = 0;
  a.forEach((t, i) => t.f32.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i].f32[j])))));
  return d;
}

function assertMatchesKeras(got: readonly Tensor[], want: readonly Tensor[], what: string) {
  got.forEach((t, i) =>
    t.f32.forEach((v, j) => {
      const w = want[i].f32[j];
      assert.ok(Math.abs(v - w) <= 1e-5 + 1e-5 * Math.abs(w), `${what}[${i}][${j}]: ${v} vs ${w}`);
    })
  );
}

Deno.test("BatchNormalization folding keeps the keras-layers cases within tolerance", async () => {
  for (const [name, folds] of CASES) {
    const c = await readCase(`${DIR}/${name}`);
    const model = await loadCaseModel(`${DIR}/${name}`, c, "config");
    const inputs = c.inputs.map(fixtureTensor);
    const keras = (c.outputs as Parameters<typeof fixtureTensor>[0][]).map(fixtureTensor);
    const folded = model.predictFlat(inputs);
    const plain = model.predictFlat(inputs, { foldBatchNorm: false });
    assertMatchesKeras(folded, keras, `${name} folded`);
    assertMatchesKeras(plain, keras, `${name} unfolded`);
    const d = maxDiff(folded, plain);
    assert.ok(d <= 2e-7, `${name}: folded vs unfolded ${d}`);
    assert.equal(d > 0, folds, `${name} ${folds ? "folds" : "does not fold"}`);
  }
});
