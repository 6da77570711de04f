/**
 * `kerno predict --setup` and `kerno summary --setup`: a model file with a Lambda layer and a
 * layer class of the user's runs with the setup module that supplies them (loaded on the main
 * thread and in every worker), bit-identically to `model.predict`; without it the error names
 * the layers and the option.
 */
import assert from "node:assert/strict";
import { modelFromBytes, readNpy, writeNpy } from "@kerno/io";
import { importSetup } from "@kerno/executor";
import { tensor } from "@kerno/tensor";
import { lambdaAndCustomBytes, SETUP } from "./_lambda_custom_model.ts";
import { runMain as run } from "./_cli_run.ts";

Deno.test("kerno predict --setup runs a Lambda and a custom layer as model.predict does", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_setup_" });
  try {
    const bytes = lambdaAndCustomBytes();
    await Deno.writeFile(`${dir}/m.keras`, bytes);
    const x = tensor(Float32Array.from({ length: 13 * 18 }, (_, i) => Math.cos(0.29 * i)), [
      13,
      6,
      3,
    ]);
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(x));
    const base = ["predict", "-m", `${dir}/m.keras`, "-i", `${dir}/x.npy`, "-o", `${dir}/y.npy`];

    const refused = await run([...base, "-q"]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /Lambda layer "reverse" holds Python code|1 has no TypeScript body/);
    assert.match(refused.err, /From the command line: --setup MODULE\.ts, a module that exports/);

    const setup = decodeURIComponent(SETUP.pathname);
    const ran = await run([
      ...base,
      "-q",
      "-b",
      "4",
      "-w",
      "2",
      "--oversubscribe",
      "--setup",
      setup,
    ]);
    assert.equal(ran.code, 0, ran.err);
    const model = modelFromBytes(bytes, await importSetup(SETUP));
    const want = model.predictFlat([x])[0];
    const got = readNpy(await Deno.readFile(`${dir}/y.npy`));
    assert.deepEqual(got.shape, [13, 2]);
    assert.deepEqual(got.data, want.data);

    const summary = await run(["summary", "--setup", setup, `${dir}/m.keras`]);
    assert.equal(summary.code, 0, summary.err);
    assert.match(summary.out, /reverse \(Lambda\)/);
    assert.match(summary.out, /attention_pooling \(AttentionPooling\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
