import assert from "node:assert/strict";
import {
  applySync,
  DEFAULT_FROM,
  DEFAULT_TO,
  FIXTURE_SETS,
  listFiles,
  planSync,
  setFolders,
} from "../scripts/sync_fixtures.ts";

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test("planSync() finds added, changed and stale files and applySync() fixes them", async () => {
  const root = await Deno.makeTempDir({ prefix: "kerno_sync_" });
  try {
    const from = `${root}/from`;
    const to = `${root}/to`;
    await write(`${from}/index.json`, "{}");
    await write(`${from}/case_a/case.json`, "A2");
    await write(`${from}/case_b/case.json`, "B");
    await write(`${from}/keras-wild/x.h5`, "never copied");
    await write(`${to}/case_a/case.json`, "A1");
    await write(`${to}/index.json`, "{}");
    await write(`${to}/old_case/case.json`, "stale");

    const plan = await planSync(from, to);
    assert.deepEqual(plan.add, ["case_b/case.json"]);
    assert.deepEqual(plan.update, ["case_a/case.json"]);
    assert.deepEqual(plan.remove, ["old_case/case.json"]);
    assert.equal(plan.same, 1);

    await applySync(from, to, plan);
    assert.deepEqual(await listFiles(to), ["case_a/case.json", "case_b/case.json", "index.json"]);
    assert.equal(await Deno.readTextFile(`${to}/case_a/case.json`), "A2");
    const again = await planSync(from, to);
    assert.deepEqual([again.add, again.update, again.remove, again.same], [[], [], [], 3]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("listFiles() skips keras-wild and returns [] for a missing folder", async () => {
  const root = await Deno.makeTempDir({ prefix: "kerno_sync_" });
  try {
    await write(`${root}/keras-wild/a.h5`, "x");
    await write(`${root}/b/c.json`, "y");
    assert.deepEqual(await listFiles(root), ["b/c.json"]);
    assert.deepEqual(await listFiles(`${root}/missing`), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("DEFAULT_FROM and DEFAULT_TO resolve beside and inside the repository", () => {
  assert.match(DEFAULT_FROM, /\/shared\/fixtures\/keras\/$/);
  assert.match(DEFAULT_TO, /\/tests\/fixtures\/keras\/$/);
  assert.ok(!DEFAULT_FROM.includes("keras-wild"));
});

Deno.test("setFolders() maps each fixture set beside and inside the repository", () => {
  assert.deepEqual(FIXTURE_SETS, ["keras", "keras-layers"]);
  const { from, to } = setFolders("keras-layers");
  assert.match(from, /\/shared\/fixtures\/keras-layers\/$/);
  assert.match(to, /\/tests\/fixtures\/keras-layers\/$/);
  assert.throws(() => setFolders("keras-wild"), /Unknown fixture set "keras-wild"/);
});
