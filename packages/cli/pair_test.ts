/** `kerno summary` and `kerno predict` on a JSON config with `--weights`, and without. */
import assert from "node:assert/strict";
import { readNpy, writeNpy } from "@kerno/io";
import { Tensor } from "@kerno/tensor";
import { runMain as run } from "./_test_util.ts";

const FIXTURES = decodeURIComponent(
  new URL("../../tests/fixtures/keras/", import.meta.url).pathname,
);

interface ArrayJson {
  shape: number[];
  data: number[];
}

/** A temp folder with `model.json` (the case's `to_json()`) and `x0.npy`; removed afterwards. */
async function withJsonCase(
  name: string,
  body: (dir: string, c: { inputs: ArrayJson[]; outputs: ArrayJson[] }) => Promise<void>,
) {
  const c = JSON.parse(await Deno.readTextFile(`${FIXTURES}${name}/case.json`));
  const dir = await Deno.makeTempDir({ prefix: "kerno_cli_pair_" });
  try {
    await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(c.model_config));
    const x = c.inputs[0] as ArrayJson;
    await Deno.writeFile(`${dir}/x0.npy`, writeNpy(new Tensor(Float32Array.from(x.data), x.shape)));
    await body(dir, c);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("summaryCommand prints a JSON config's table without weights, and checks --weights", async () => {
  await withJsonCase("lstm_default", async (dir) => {
    const fromKeras = await run(["summary", `${FIXTURES}lstm_default/model.keras`]);
    const alone = await run(["summary", `${dir}/model.json`]);
    assert.equal(alone.code, 0, alone.err);
    assert.equal(alone.out, fromKeras.out);
    assert.match(alone.out, /Total params: \d+/);
    const paired = await run([
      ...["summary", "-m", `${dir}/model.json`],
      ...["--weights", `${FIXTURES}lstm_default/model.weights.h5`],
    ]);
    assert.equal(paired.code, 0, paired.err);
    assert.equal(paired.out, fromKeras.out);
    const wrong = await run([
      ...["summary", `${dir}/model.json`],
      ...["--weights", `${FIXTURES}bidi_lstm_state_seq/model.weights.h5`],
    ]);
    assert.equal(wrong.code, 1);
    assert.equal(
      wrong.err,
      `kerno: error: cannot load model ${dir}/model.json with weights ${FIXTURES}bidi_lstm_state_seq/model.weights.h5: ${FIXTURES}bidi_lstm_state_seq/model.weights.h5 (weights for ${dir}/model.json): no weights for layer "lstm" (expected the group "layers/lstm/cell/vars" with 3 variables)\n`,
    );
  });
});

Deno.test("predictCommand refuses a JSON config without --weights, and runs it with them", async () => {
  await withJsonCase("lstm_default", async (dir, c) => {
    const args = ["predict", "-m", `${dir}/model.json`, "-i", `${dir}/x0.npy`, "-q"];
    const refused = await run([...args, "-o", `${dir}/y.npy`]);
    assert.equal(refused.code, 2);
    assert.equal(
      refused.err,
      `kerno predict: ${dir}/model.json is a JSON model config, which holds no weights: give its weights file with --weights (the .h5 of save_weights, a .weights.h5 or a .keras)\n` +
        'Run "kerno predict --help" for usage.\n',
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "model.json",
      "x0.npy",
    ]);
    const missing = await run([...args, "-o", `${dir}/y.npy`, "--weights", `${dir}/nope.h5`]);
    assert.equal(missing.code, 1);
    assert.equal(missing.err, `kerno: error: weights file not found: ${dir}/nope.h5\n`);
    for (const weights of ["model.weights.h5", "model.h5", "model.keras"]) {
      const r = await run([
        ...args,
        ...["-o", `${dir}/y.npy`, "--weights", `${FIXTURES}lstm_default/${weights}`],
      ]);
      assert.equal(r.code, 0, r.err);
      const y = readNpy(await Deno.readFile(`${dir}/y.npy`));
      assert.deepEqual(y.shape, c.outputs[0].shape);
      y.f32.forEach((v, i) => {
        const want = c.outputs[0].data[i];
        assert.ok(Math.abs(v - want) <= 1e-5 + 1e-5 * Math.abs(want), `${weights} [${i}]`);
      });
    }
  });
});

Deno.test("predict --help and summary --help describe --weights", async () => {
  const predict = await run(["predict", "--help"]);
  assert.match(
    predict.out,
    /\n {6}--weights PATH {5}Weights of a JSON config: the \.h5 of Keras 2's/,
  );
  const summary = await run(["summary", "--help"]);
  assert.match(summary.out, /\n {2}kerno summary model\.json \[--weights w\.h5\]\n/);
});
