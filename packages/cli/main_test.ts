import assert from "node:assert/strict";
import { runMain as run } from "./_test_util.ts";

Deno.test("main prints the help with exit code 0, or on stderr with 2 when no command is given", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.out, /^kerno — run Keras recurrent models/);
  assert.match(help.out, /predict {3}Run a model on \.npy inputs/);
  const none = await run([]);
  assert.equal(none.code, 2);
  assert.match(none.err, /^kerno — run Keras/);
  const sub = await run(["predict", "--help"]);
  assert.equal(sub.code, 0);
  assert.match(sub.out, /^kerno predict — run a model on \.npy inputs/);
  assert.match((await run(["summary", "-h"])).out, /^kerno summary — print the Keras summary/);
  assert.match((await run(["bench", "--help"])).out, /^kerno bench — sequences per second/);
});

Deno.test("main prints the version", async () => {
  assert.deepEqual(await run(["--version"]), { code: 0, out: "kerno 0.1.0\n", err: "" });
});

Deno.test("main exits with 2 and a hint on bad usage", async () => {
  assert.deepEqual(await run(["fly"]), {
    code: 2,
    out: "",
    err: 'kerno: unknown command "fly" (expected one of: predict, summary, bench, join)\n' +
      'Run "kerno --help" for usage.\n',
  });
  assert.deepEqual(await run(["predict", "--input", "x.npy", "--output", "y.npy"]), {
    code: 2,
    out: "",
    err: 'kerno predict: missing --model\nRun "kerno predict --help" for usage.\n',
  });
  const bad = await run(["predict", "-m", "m.keras", "-i", "x.npy", "-o", "y.npy", "-w", "two"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^kerno predict: --workers must be a positive integer, received "two"\n/);
  const unknown = await run(["predict", "--modle", "m.keras"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /^kerno predict: Unknown option '--modle'/);
  assert.equal(
    (await run(["summary"])).err.split("\n")[0],
    "kerno summary: missing the model file",
  );
});

Deno.test("main exits with 1 and one line on failure, the stack only with --verbose", async () => {
  const missing = await run(["summary", "/nonexistent/model.keras"]);
  assert.deepEqual(missing, {
    code: 1,
    out: "",
    err: "kerno: error: model file not found: /nonexistent/model.keras\n",
  });
  const verbose = await run(["summary", "/nonexistent/model.keras", "--verbose"]);
  assert.equal(verbose.code, 1);
  assert.ok(verbose.err.split("\n").length > 2, "stack printed");
});
