/**
 * A model saved as `model.to_json()` + `model.save_weights("w.h5")`, taken from real Keras 2
 * files (`../shared/fixtures/keras-wild`, read in place; the pair is written to a temporary
 * folder, never into the repository): `loadModel("model.json", { weights: "w.h5" })` computes
 * what the model computed when it was trained, and the `kerno` command takes the pair.
 */
import assert from "node:assert/strict";
import { loadModel, readNpy, writeNpy } from "@kerno/io";
import { resetLayerNames } from "@kerno/layers";
import type { Tensor } from "@kerno/tensor";
import { fixtureTensor, readCase } from "../scripts/_reference/case.ts";
import { compareValues } from "../scripts/_reference/compare.ts";
import { configWeightsPair } from "../scripts/_reference/legacy_pair.ts";
import { needsOutsideData, WILD_FIXTURES } from "./_outside_data.ts";
import { runMain as run } from "./_cli_run.ts";

/** arabic_sentiment_lstm: Keras 2.2.2, a Sequential whose config is a bare list of layers. */
const ARABIC = `${WILD_FIXTURES}/arabic_sentiment_lstm`;

async function writePair(dir: string): Promise<void> {
  const pair = configWeightsPair(await Deno.readFile(`${ARABIC}/lstm_model.h5`), "lstm_model.h5");
  await Deno.writeFile(`${dir}/model.json`, pair.json);
  await Deno.writeFile(`${dir}/w.h5`, pair.weights);
}

type WildCase = Awaited<ReturnType<typeof readCase>> & {
  outputs_keras2_hard_sigmoid: { shape: number[]; data: number[] }[];
};

async function readWild(): Promise<WildCase> {
  return await readCase(ARABIC) as WildCase;
}

Deno.test({
  ...needsOutsideData(
    "loadModel reads a Keras 2.2.2 bare-list Sequential's to_json + save_weights pair",
    WILD_FIXTURES,
  ),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kerno_pair_" });
    try {
      await writePair(dir);
      const json = JSON.parse(await Deno.readTextFile(`${dir}/model.json`));
      assert.ok(Array.isArray(json.config), "the config is a bare list of layers");
      assert.equal(json.keras_version, "2.2.2");
      const c = await readWild();
      resetLayerNames();
      const notes: string[] = [];
      const model = await loadModel(`${dir}/model.json`, { weights: `${dir}/w.h5`, notes });
      const y = model.predict(fixtureTensor(c.inputs[0])) as Tensor;
      // keras_version 2.2.2 in the JSON: hard_sigmoid as the model was trained with it.
      assert.deepEqual(y.shape, c.outputs_keras2_hard_sigmoid[0].shape);
      const trained = compareValues(y.f32, c.outputs_keras2_hard_sigmoid[0].data);
      assert.ok(trained.ok, `max |diff| ${trained.maxAbsDiff}`);
      assert.equal(
        notes.at(-1),
        `${dir}/model.json: hard_sigmoid read as Keras 2's clip(0.2x + 0.5, 0, 1) (file written by Keras 2.2.2; pass keras2HardSigmoid: false for Keras 3's x/6 + 0.5)`,
      );
      resetLayerNames();
      const keras3 = await loadModel(`${dir}/model.json`, {
        weights: `${dir}/w.h5`,
        keras2HardSigmoid: false,
      });
      const y3 = keras3.predict(fixtureTensor(c.inputs[0])) as Tensor;
      const asKeras3 = compareValues(y3.f32, c.outputs[0].data);
      assert.ok(asKeras3.ok, `max |diff| ${asKeras3.maxAbsDiff}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...needsOutsideData(
    "kerno summary and predict take a Keras 2.2.2 to_json + save_weights pair",
    WILD_FIXTURES,
  ),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "kerno_pair_cli_" });
    try {
      await writePair(dir);
      const c = await readWild();
      const summary = await run(["summary", `${dir}/model.json`]);
      assert.equal(summary.code, 0, summary.err);
      assert.match(
        summary.out,
        new RegExp(`Total params: ${c.total_params.toLocaleString("en-US")} `),
      );
      assert.match(summary.out, /\n {2}1\. lstm_3_input {2}\(None, 1, 200\) {2}float32\n/);
      await Deno.writeFile(`${dir}/x.npy`, writeNpy(fixtureTensor(c.inputs[0])));
      const args = [
        "predict",
        "-m",
        `${dir}/model.json`,
        "-i",
        `${dir}/x.npy`,
        "-o",
        `${dir}/y.npy`,
      ];
      const refused = await run([...args, "-q"]);
      assert.equal(refused.code, 2);
      assert.match(refused.err, /model\.json is a JSON model config, which holds no weights/);
      const r = await run([...args, "--weights", `${dir}/w.h5`, "-q", "-w", "1"]);
      assert.equal(r.code, 0, r.err);
      const y = readNpy(await Deno.readFile(`${dir}/y.npy`));
      const trained = compareValues(y.f32, c.outputs_keras2_hard_sigmoid[0].data);
      assert.ok(trained.ok, `max |diff| ${trained.maxAbsDiff}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
