/**
 * The reference-output suite inside `deno test`: one test per Keras case in
 * `tests/fixtures/keras` (named `reference <case>`), then one per `errors.json` entry and one per
 * `param_counts.json` entry. Every value must be within `1e-5 + 1e-5·|want|` of Keras's.
 */
import assert from "node:assert/strict";
import { listCaseDirs } from "../scripts/_reference/case.ts";
import { checkErrorEntry } from "../scripts/_reference/error_cases.ts";
import { checkParamEntry } from "../scripts/_reference/param_cases.ts";
import { formatResult, runCase } from "../scripts/_reference/run_case.ts";
import { readErrorEntries, readParamEntries } from "../scripts/_reference/suite.ts";

const DIR = decodeURIComponent(new URL("./fixtures/keras", import.meta.url).pathname);

const cases = await listCaseDirs(DIR);

Deno.test("reference fixtures are present (run `deno task sync-fixtures`)", () => {
  assert.ok(cases.length >= 100, `expected the Keras cases in ${DIR}, found ${cases.length}`);
  assert.ok(cases.includes("seed_bilstm_constant"));
});

for (const name of cases) {
  Deno.test(`reference ${name}`, async () => {
    const r = await runCase(`${DIR}/${name}`);
    assert.equal(r.status, "pass", formatResult(r) + "\n" + r.problems.join("\n"));
  });
}

for (const entry of await readErrorEntries(DIR)) {
  Deno.test(`reference errors.json ${entry.name}`, async () => {
    const r = await checkErrorEntry(entry);
    assert.notEqual(r.status, "fail", formatResult(r));
  });
}

for (const entry of await readParamEntries(DIR)) {
  Deno.test(`reference param_counts.json ${entry.name}`, () => {
    const r = checkParamEntry(entry);
    assert.notEqual(r.status, "fail", formatResult(r) + "\n" + r.problems.join("\n"));
  });
}
