import assert from "node:assert/strict";
import { checkErrorEntry, ERROR_CASES } from "./error_cases.ts";
import { checkParamEntry, PARAM_CASES, type ParamEntry } from "./param_cases.ts";

const FIXTURES = decodeURIComponent(
  new URL("../../tests/fixtures/keras/", import.meta.url).pathname,
);

Deno.test("checkErrorEntry() skips entries without a translation", async () => {
  const r = await checkErrorEntry({ name: "error_from_the_future", raised: true });
  assert.deepEqual(r, {
    name: "error_from_the_future",
    status: "skip",
    maxAbsDiff: 0,
    problems: ["(no TS translation)"],
  });
});

Deno.test("checkErrorEntry() fails when Kerno and Keras disagree on raising", async () => {
  const quiet = await checkErrorEntry({
    name: "error_lstm_symbolic_call_wrong_feature_dim",
    raised: true,
    exception_class: "ValueError",
  });
  assert.equal(quiet.status, "fail");
  assert.deepEqual(quiet.problems, ["Keras raised ValueError, Kerno did not throw"]);
  const loud = await checkErrorEntry({ name: "error_simplernn_on_2d_input", raised: false });
  assert.equal(loud.status, "fail");
  assert.match(loud.problems[0], /^Keras accepts this program, Kerno threw \w+Error: .*ndim=2/);
});

Deno.test("ERROR_CASES translate every errors.json entry", async () => {
  const entries = JSON.parse(await Deno.readTextFile(`${FIXTURES}errors.json`));
  for (const e of entries) assert.ok(e.name in ERROR_CASES, e.name);
  const results = await Promise.all(entries.map(checkErrorEntry));
  assert.deepEqual(results.filter((r) => r.status !== "pass"), []);
});

Deno.test("checkParamEntry() fails a wrong total and skips unknown entries", async () => {
  const entries: ParamEntry[] = JSON.parse(
    await Deno.readTextFile(`${FIXTURES}param_counts.json`),
  );
  for (const e of entries) assert.ok(e.name in PARAM_CASES, e.name);
  const lstm1 = entries.find((e) => e.name === "params_lstm1")!;
  assert.equal(checkParamEntry(lstm1).status, "pass");
  const wrong = checkParamEntry({ ...lstm1, total_params: 13 });
  assert.equal(wrong.status, "fail");
  assert.deepEqual(wrong.problems.filter((p) => p.startsWith("total")), [
    "total params 12 != Keras 13",
  ]);
  assert.equal(checkParamEntry({ ...lstm1, name: "params_unknown" }).status, "skip");
});
