/**
 * The fuzz harness: its classification, its reproducibility, and a bounded campaign (a fixed
 * seed, 300 inputs, each in a child process) that must end with no failure.
 */
import assert from "node:assert/strict";
import type { CampaignReport } from "./campaign.ts";
import { classify, crashReason, signature } from "./classify.ts";
import { makeJob } from "./generate.ts";
import type { Job } from "./job.ts";
import { allPaths, deepValue, firstDifference, mutateJson } from "./mutate_json.ts";
import { Rng } from "./rng.ts";

const FIXTURES = decodeURIComponent(
  new URL("../../tests/fixtures/keras", import.meta.url).pathname,
);
const MAIN = decodeURIComponent(new URL("./main.ts", import.meta.url).pathname);

/** The seed of the bounded campaign in `deno task test` (the long run must use another). */
export const TEST_SEED = 20261206;
/** Inputs of the bounded campaign. */
export const TEST_COUNT = 300;

const job: Job = {
  index: 3,
  target: "keras",
  caseDir: `${FIXTURES}/lstm_default`,
  mutation: "keras raw bitflip x1 at 10",
  file: "/tmp/x/00003-lstm_default.keras",
  label: "/tmp/x/00003-lstm_default.keras",
  workDir: "/tmp/x/scratch/3",
};

Deno.test("crashReason tells Kerno's errors from engine messages and unnamed files", () => {
  assert.equal(crashReason(job, "TypeError", `${job.label}: not a zip archive`), "");
  assert.equal(
    crashReason(job, "TypeError", "Cannot read properties of null (reading 'x')"),
    "engine message /Cannot read properties of/",
  );
  assert.equal(crashReason(job, "RangeError", ""), "empty message");
  assert.equal(crashReason(job, "SyntaxError", `${job.label}: x`), "error class SyntaxError");
  assert.equal(
    crashReason(job, "TypeError", "bad shape"),
    "the message does not name /tmp/x/00003-lstm_default.keras",
  );
  assert.equal(crashReason(job, "TypeError", 'Input 0 of model "m" is incompatible', "run"), "");
});

Deno.test("classify: kills, memory peaks, sandbox refusals and judged accepts", () => {
  assert.equal(classify(job, null, "hang", 768).outcome, "hang");
  assert.equal(classify(job, null, "memory", 768).outcome, "memory");
  assert.equal(classify(job, null, "exit", 768).outcome, "crash-like");
  const base = { index: 3, peakMiB: 10, ms: 5 };
  assert.equal(
    classify(job, { ...base, outcome: "accept", judged: "same" }, null, 768).outcome,
    "accept-same",
  );
  assert.equal(
    classify(job, { ...base, peakMiB: 900, outcome: "accept", judged: "same" }, null, 768).outcome,
    "memory",
  );
  assert.equal(
    classify(
      job,
      {
        ...base,
        outcome: "error",
        name: "NotCapable",
        message: 'Requires write access to "/etc/x"',
      },
      null,
      768,
    )
      .outcome,
    "write-outside",
  );
  assert.equal(classify(job, { ...base, outcome: "accept" }, null, 768).outcome, "accept-suspect");
});

Deno.test("signature blanks numbers, names and the file so one bug is saved once", () => {
  assert.equal(
    signature(job, "crash-like", `${job.label}: entry "a.json" at 1234 is 5.5e3`),
    'crash-like keras <where>: entry "…" at N is N',
  );
});

Deno.test("the same seed makes the same input; JSON helpers walk deep documents without recursion", async () => {
  const cases = [`${FIXTURES}/lstm_default`, `${FIXTURES}/gru_default`];
  const dir = await Deno.makeTempDir();
  try {
    const a = await makeJob(7, 11, cases, dir, `${dir}/w`);
    const b = await makeJob(7, 11, cases, dir, `${dir}/w`);
    assert.deepEqual(a.job, b.job);
    assert.deepEqual(a.bytes, b.bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const deep = deepValue(2000, "array");
  assert.equal(allPaths(deep).length, 2001);
  assert.deepEqual(firstDifference({ a: [1, 2] }, { a: [1, 3] }), { path: ["a", 1], value: 3 });
  const m = mutateJson(new Rng(1), { config: { units: 4 } });
  assert.equal(typeof m.what, "string");
});

Deno.test(`bounded fuzz campaign: seed ${TEST_SEED}, ${TEST_COUNT} inputs, no failure`, async () => {
  const out = await Deno.makeTempDir({ prefix: "kerno-fuzz-test-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "--seed",
        String(TEST_SEED),
        "--count",
        String(TEST_COUNT),
        "--out",
        out,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
    const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`)) as CampaignReport;
    assert.equal(report.count, TEST_COUNT);
    const total = Object.values(report.counts).reduce((a, b) => a + b, 0);
    assert.equal(total, TEST_COUNT);
    for (
      const bad of ["crash-like", "hang", "memory", "write-outside", "accept-suspect"] as const
    ) {
      assert.equal(report.counts[bad], 0, `${bad}:\n${text}`);
    }
    assert.ok(report.counts["clean-error"] > TEST_COUNT / 3, text);
    assert.equal(run.code, 0, text);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
