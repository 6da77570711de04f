/**
 * `Model.predict` on Keras reference cases (graph execution, masks, initial states, shared layers,
 * nested outputs, stateful runs): outputs within `1e-5 + 1e-5·|want|`. Cases whose layer classes
 * are not registered yet are skipped.
 */
import assert from "node:assert/strict";
import { nestOutputs, resetLayerNames } from "@kerno/layers";
import type { Tensor } from "@kerno/tensor";
import {
  buildCaseModel,
  compareArrays,
  type FixtureArray,
  loadCase,
  toTensor,
} from "./_fixtures_test_util.ts";
import { modelFromJSON } from "./from_config.ts";
import type { Model } from "./model.ts";

const CASES = [
  "lstm_default",
  "shared_layer_two_inputs",
  "encoder_decoder_lstm",
  "embedding_mask_initial_state",
  "masking_lstm_state",
  "rnn_stacked_cells_state",
  "stateful_lstm",
  "variable_timesteps_gru_dense",
  "bidi_lstm_initial_state",
  "batch37_bidi_gru_mask",
];

function check(model: Model, inputs: FixtureArray[], outputs: FixtureArray[], what: string) {
  const got = model.predictFlat(inputs.map(toTensor));
  assert.equal(got.length, outputs.length, `${what}: number of outputs`);
  outputs.forEach((want, i) => {
    const r = compareArrays(got[i], want);
    assert.ok(
      r.ok,
      `${what}, output ${i} (${want.name}): ${r.problem ?? `max |diff| ${r.maxAbsDiff}`}`,
    );
  });
}

for (const name of CASES) {
  Deno.test(`Model.predict matches Keras on ${name}`, () => {
    resetLayerNames();
    const c = loadCase(name);
    const model = buildCaseModel(c);
    if (typeof model === "string") {
      console.log(`  skipped: ${model} is not registered yet`);
      return;
    }
    check(model, c.inputs, c.outputs, "run 0");
    (c.extra_runs ?? []).forEach((run, i) => {
      if (run.before === "reset_states") model.resetStates();
      check(model, run.inputs, run.outputs, `run ${i + 1}`);
    });
    const nested = model.predict(c.inputs.map(toTensor));
    const flat = c.outputs.map((_, i) => i);
    assert.deepEqual(
      JSON.stringify(nestOutputs(flat, model.outputStructure())),
      JSON.stringify(c.output_structure),
    );
    assert.equal(
      Array.isArray(nested),
      Array.isArray(c.output_structure),
      "predict nests its result like Keras",
    );
    void (nested as Tensor | Tensor[]);
  });
}

Deno.test("modelFromJSON keras2HardSigmoid reaches the recurrent layers", () => {
  resetLayerNames();
  const c = loadCase("lstm_hard_sigmoid");
  const keras3 = buildCaseModel(c);
  if (typeof keras3 === "string") return;
  const keras2 = modelFromJSON(c.model_config, { keras2HardSigmoid: true });
  keras2.setWeights(c.weights.map(toTensor));
  const x = c.inputs.map(toTensor);
  assert.ok(compareArrays(keras3.predictFlat(x)[0], c.outputs[0]).ok, "Keras 3 reading by default");
  const moved = compareArrays(keras2.predictFlat(x)[0], c.outputs[0]);
  assert.ok(!moved.ok && moved.maxAbsDiff > 1e-3, `Keras 2 reading differs (${moved.maxAbsDiff})`);
});
