import assert from "node:assert/strict";
import { DEFAULT_DIR, main } from "../scripts/reference.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/keras/", import.meta.url).pathname);

async function capture(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(" "));
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  try {
    return { code: await main(args), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

async function folderWith(cases: Record<string, (c: Record<string, unknown>) => void>) {
  const root = await Deno.makeTempDir({ prefix: "kerno_ref_cli_" });
  for (const [name, edit] of Object.entries(cases)) {
    const c = JSON.parse(await Deno.readTextFile(`${FIXTURES}${name}/case.json`));
    edit(c);
    await Deno.mkdir(`${root}/${name}`);
    await Deno.writeTextFile(`${root}/${name}/case.json`, JSON.stringify(c));
  }
  return root;
}

Deno.test("main() prints one line per case and the totals, exit 0 when all pass", async () => {
  const dir = await folderWith({ gru_default: () => {}, simplernn_state: () => {} });
  try {
    const { code, out } = await capture([dir]);
    assert.equal(code, 0);
    assert.match(out[0], /^PASS gru_default max_abs_diff=/);
    assert.match(out[1], /^PASS simplernn_state max_abs_diff=/);
    assert.equal(out.at(-1), "2 passed, 0 failed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() exits 1 when a case fails and --filter selects cases", async () => {
  const dir = await folderWith({
    gru_default: (c) => {
      (c.outputs as { data: number[] }[])[0].data[0] += 0.01;
    },
    lstm_default: () => {},
  });
  try {
    const all = await capture([dir]);
    assert.equal(all.code, 1);
    assert.match(all.out[0], /^FAIL gru_default run 0 output 0/);
    assert.equal(all.out.at(-1), "1 passed, 1 failed");
    const some = await capture([dir, "--filter", "^lstm"]);
    assert.equal(some.code, 0);
    assert.deepEqual(some.out.length, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("main() exits 2 on a bad argument or a missing folder", async () => {
  const bad = await capture(["--source", "pickle"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err[0], /Unknown --source "pickle": expected one of config, keras, h5/);
  const missing = await capture(["/no/such/folder"]);
  assert.equal(missing.code, 2);
  assert.match(missing.err[0], /Cannot read the case folder \/no\/such\/folder/);
  assert.match(DEFAULT_DIR, /\/tests\/fixtures\/keras$/);
});
