/** `deno task kerno` resolves the user's paths from the folder they run it in (`INIT_CWD`). */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const MODEL = new URL("../../tests/fixtures/keras/lstm_seq_state/model.keras", import.meta.url);

Deno.test("main.ts run by `deno task kerno` reads a model path relative to the caller's folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_cwd_" });
  try {
    await Deno.copyFile(MODEL, `${dir}/mine.keras`);
    const env = Deno.env.toObject();
    delete env.INIT_CWD; // set by an outer `deno task test`; the inner task must set its own
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", "--config", `${ROOT}deno.json`, "kerno", "summary", "mine.keras"],
      cwd: dir,
      env: { ...env, NO_COLOR: "1" },
      clearEnv: true,
    }).output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, err);
    assert.match(new TextDecoder().decode(stdout), /Total params: 128 \(512\.00 B\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
