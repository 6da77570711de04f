import assert from "node:assert/strict";
import type { CaseJson } from "./case.ts";
import { formatResult, runCase } from "./run_case.ts";

const FIXTURES = decodeURIComponent(
  new URL("../../tests/fixtures/keras/", import.meta.url).pathname,
);

/** Writes a (possibly edited) copy of a fixture case into a fresh folder the suite never saw. */
async function withCase(
  name: string,
  edit: (c: CaseJson) => void,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "kerno_case_" });
  try {
    const c = JSON.parse(await Deno.readTextFile(`${FIXTURES}${name}/case.json`)) as CaseJson;
    edit(c);
    await Deno.mkdir(`${root}/unseen_case`);
    await Deno.writeTextFile(`${root}/unseen_case/case.json`, JSON.stringify(c));
    await body(`${root}/unseen_case`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("runCase() passes a case copied to a folder it has never seen", async () => {
  await withCase("lstm_state", () => {}, async (dir) => {
    const r = await runCase(dir);
    assert.equal(r.status, "pass", formatResult(r));
    assert.equal(r.name, "unseen_case");
    assert.ok(r.maxAbsDiff < 1e-6);
    assert.match(formatResult(r), /^PASS unseen_case max_abs_diff=\d/);
  });
});

Deno.test("runCase() fails a value off by 1e-3 and says where", async () => {
  await withCase("lstm_state", (c) => {
    c.outputs[1].data[3] += 1e-3;
  }, async (dir) => {
    const r = await runCase(dir);
    assert.equal(r.status, "fail");
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], /^run 0 output 1 \(\w+\): 1 of \d+ values out of tolerance/);
    assert.match(r.problems[0], /first at \[0, 3\]: got 0\.221383\d\d, want 0\.22238369$/);
    assert.ok(Math.abs(r.maxAbsDiff - 1e-3) < 1e-6);
    assert.match(formatResult(r), /^FAIL unseen_case run 0 output 1/);
  });
});

Deno.test("runCase() fails wrong counts, shapes and summary rows", async () => {
  await withCase("simplernn_seq", (c) => {
    c.total_params += 1;
    c.layers[0].param_count += 1;
    c.layers[0].output_shape_text = "(None, 9, 4)";
    c.outputs[0].shape = [c.outputs[0].shape[0], 1, c.outputs[0].data.length];
  }, async (dir) => {
    const r = await runCase(dir);
    assert.equal(r.status, "fail");
    const text = r.problems.join("\n");
    assert.match(text, /total params \d+ != Keras \d+/);
    assert.match(text, /layer "simple_rnn": \d+ params != Keras \d+/);
    assert.match(
      text,
      /layer "simple_rnn": output shape \(None, \d+, \d+\) != Keras \(None, 9, 4\)/,
    );
    assert.match(text, /run 0 output 0 \(\w+\): shape \[[\d, ]+\] != Keras \[/);
  });
});

Deno.test("runCase() honours before: reset_states in extra runs", async () => {
  await withCase("stateful_lstm", (c) => {
    assert.equal(c.extra_runs?.[1].before, "reset_states");
    delete c.extra_runs![1].before;
  }, async (dir) => {
    const r = await runCase(dir);
    assert.equal(r.status, "fail", "without the reset, run 2 must differ from Keras's");
    assert.match(r.problems.join("\n"), /^extra run 2 output 0/m);
  });
  await withCase("stateful_lstm", () => {}, async (dir) => {
    assert.equal((await runCase(dir)).status, "pass");
  });
});

Deno.test("runCase() reports a model that cannot be built or read", async () => {
  await withCase("lstm_state", (c) => {
    (c.model_config as { class_name: string }).class_name = "Nonsense";
  }, async (dir) => {
    const r = await runCase(dir);
    assert.equal(r.status, "fail");
    assert.match(r.problems[0], /^building the model failed: TypeError: Unknown model class/);
  });
  const r = await runCase(`${FIXTURES}no_such_case`);
  assert.equal(r.status, "fail");
  assert.match(r.problems[0], /^cannot read case\.json/);
});
