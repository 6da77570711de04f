/**
 * Every Keras reference case: the model rebuilt from `model_config` writes the same config back,
 * lists the same layers with the same parameter counts, and prints the same summary tables.
 * Cases whose layer classes are not registered yet are reported and skipped.
 */
import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { buildCaseModel, caseNames, loadCase } from "./_fixtures_test_util.ts";
import { modelFromJSON } from "./from_config.ts";
import { Sequential } from "./sequential.ts";
import { summaryRow } from "./summary.ts";

const missing = new Map<string, string[]>();

for (const name of caseNames()) {
  Deno.test(`modelFromJSON rebuilds the fixture ${name}`, () => {
    resetLayerNames();
    const c = loadCase(name);
    const model = buildCaseModel(c);
    if (typeof model === "string") {
      missing.set(model, [...(missing.get(model) ?? []), name]);
      return;
    }
    assert.deepEqual(JSON.parse(model.toJSON()), c.model_config, "toJSON round trip");
    assert.equal(model instanceof Sequential, c.model_class === "Sequential");
    const rows = model.layers.map((l) => summaryRow(l));
    assert.deepEqual(
      model.layers.map((l, i) => [l.name, l.className, rows[i].outputShape, l.countParams()]),
      c.layers.map((l) => [l.name, l.class_name, l.output_shape_text, l.param_count]),
    );
    assert.equal(model.countParams(), c.total_params);
    assert.equal(model.summaryLines().join("\n") + "\n", c.summary_text_default);
    assert.equal(model.summaryLines({ lineLength: 120 }).join("\n") + "\n", c.summary_text);
    const again = modelFromJSON(model.toJSON());
    assert.deepEqual(JSON.parse(again.toJSON()), c.model_config, "second round trip");
  });
}

Deno.test("modelFromJSON fixtures: report classes not registered yet", () => {
  for (const [cls, cases] of missing) {
    console.log(`  skipped ${cases.length} case(s) needing ${cls} (not registered yet)`);
  }
  assert.ok(missing.size >= 0);
});
