/**
 * The reference suite run from Keras's own files: every case in `tests/fixtures/keras` rebuilt
 * from its `model.keras`, `model.h5` and `model.weights.h5`, and from the JSON config +
 * `save_weights` pair taken from its `model.h5`; every real-world model in
 * `../shared/fixtures/keras-wild` loaded from the file its owner saved, and from the pair taken
 * from that file (read in place, never copied into the repository). Same checks and tolerance as
 * `reference_test.ts`.
 */
import assert from "node:assert/strict";
import { listCaseDirs } from "../scripts/_reference/case.ts";
import type { ModelSource } from "../scripts/_reference/load_case_model.ts";
import { formatResult, runCase } from "../scripts/_reference/run_case.ts";
import { needsOutsideData, WILD_FIXTURES } from "./_outside_data.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/keras", import.meta.url).pathname);

async function runAll(t: Deno.TestContext, dir: string, source: ModelSource): Promise<number> {
  const cases = await listCaseDirs(dir);
  for (const name of cases) {
    await t.step(name, async () => {
      const r = await runCase(`${dir}/${name}`, { source });
      assert.equal(r.status, "pass", formatResult(r) + "\n" + r.problems.join("\n"));
    });
  }
  return cases.length;
}

for (const source of ["keras", "h5", "weights", "pair"] as const) {
  Deno.test(`reference --source ${source}: every fixture from its model file`, async (t) => {
    assert.ok(await runAll(t, FIXTURES, source) >= 100);
  });
}

Deno.test({
  ...needsOutsideData(
    "reference --source file: every keras-wild model from its original file",
    WILD_FIXTURES,
  ),
  async fn(t) {
    assert.equal(await runAll(t, WILD_FIXTURES, "file"), 8);
  },
});

Deno.test({
  ...needsOutsideData(
    "reference --source pair: every keras-wild model as model.json + its save_weights file",
    WILD_FIXTURES,
  ),
  async fn(t) {
    assert.equal(await runAll(t, WILD_FIXTURES, "pair"), 8);
  },
});
