/**
 * The reference suite over `tests/fixtures/keras-layers` (Keras's non-recurrent layers): each case
 * named in `tests/keras_layers_passing.txt` is built from its config and from its `model.keras`,
 * `model.h5` and `model.weights.h5`, and from the JSON config + `save_weights` pair of its
 * `model.h5`, with the same checks and tolerance as `reference_test.ts`. Each listed model's
 * config must also round-trip: rebuilt from `model_config`, it writes the same config back, and
 * its summary at 120 columns is Keras's. The list line `all cases` stands for every case folder.
 */
import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { modelFromJSON } from "@kerno/model";
import { listCaseDirs, readCase } from "../scripts/_reference/case.ts";
import { formatResult, runCase } from "../scripts/_reference/run_case.ts";

const DIR = decodeURIComponent(new URL("./fixtures/keras-layers", import.meta.url).pathname);
const LIST = new URL("./keras_layers_passing.txt", import.meta.url);

/** The case names of the list (comments and blank lines dropped), or every case for `all cases`. */
function expectedCases(text: string, all: string[]): string[] {
  const names = text.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter((l) => l !== "");
  return names.includes("all cases") ? all : names;
}

const cases = await listCaseDirs(DIR);
const expected = expectedCases(await Deno.readTextFile(LIST), cases);

Deno.test("keras-layers fixtures are present and the passing list names real cases", () => {
  assert.ok(cases.length >= 64, `expected the keras-layers cases in ${DIR}, found ${cases.length}`);
  const unknown = expected.filter((n) => !cases.includes(n));
  assert.deepEqual(unknown, [], `tests/keras_layers_passing.txt names cases not in ${DIR}`);
  assert.equal(new Set(expected).size, expected.length, "a case is listed twice");
});

for (const source of ["config", "keras", "h5", "weights", "pair"] as const) {
  Deno.test(`keras-layers --source ${source}: every listed case`, async (t) => {
    for (const name of expected) {
      await t.step(name, async () => {
        const r = await runCase(`${DIR}/${name}`, { source });
        assert.equal(r.status, "pass", formatResult(r) + "\n" + r.problems.join("\n"));
      });
    }
  });
}

Deno.test("keras-layers: every listed case's config round-trips", async (t) => {
  for (const name of expected) {
    await t.step(name, async () => {
      const c = await readCase(`${DIR}/${name}`);
      resetLayerNames();
      const model = modelFromJSON(c.model_config);
      assert.deepEqual(JSON.parse(model.toJSON()), c.model_config, "toJSON");
      assert.deepEqual(JSON.parse(modelFromJSON(model.toJSON()).toJSON()), c.model_config);
      if (c.summary_text !== undefined) {
        assert.equal(model.summaryLines({ lineLength: 120 }).join("\n") + "\n", c.summary_text);
      }
    });
  }
});
