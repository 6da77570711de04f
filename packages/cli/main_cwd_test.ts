/** `deno task kerno` and the installed `kerno` resolve the user's paths from where they stand. */
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

Deno.test("the README's install line gives a kerno command that runs from any folder", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const line = readme.split("\n").find((l) => l.startsWith("deno install -g "));
  assert.ok(line, "README has a deno install -g line");
  const dir = await Deno.makeTempDir({ prefix: "kerno_install_" });
  try {
    await Deno.copyFile(MODEL, `${dir}/mine.keras`);
    const install = await new Deno.Command("sh", {
      args: [
        "-c",
        line.replace("deno install -g ", `deno install -g --root "${dir}/root" `)
          .replaceAll('"$PWD', `"${ROOT}`),
      ],
      cwd: ROOT,
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const { code, stdout, stderr } = await new Deno.Command(`${dir}/root/bin/kerno`, {
      args: ["summary", "mine.keras"],
      cwd: dir,
      env: { NO_COLOR: "1", INIT_CWD: ROOT }, // as inside another deno task: not our folder
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.match(
      new TextDecoder().decode(stdout),
      /1\. lstm\/sequence {2}\(None, 5, 4\) {2}float32/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
