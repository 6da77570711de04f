import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { H5Dataset, type H5Group, readH5 } from "./h5/mod.ts";
import { loadModel, modelFromBytes, weightsFromBytes } from "./load.ts";
import { modelToBytes, saveModel, saveWeights, weightsToBytes } from "./save.ts";
import { readZip } from "./zip.ts";
import { modelFromJSON } from "@kerno/model";
import {
  caseNames,
  fixtureTensor,
  flatTensors,
  KERAS_FIXTURES,
  readCaseJson,
} from "./_test_util.ts";

/** Every group and dataset below `g` (datasets with their shapes), sorted. */
function listing(g: H5Group, prefix = ""): string[] {
  const out: string[] = [];
  for (const k of g.keys()) {
    const c = g.get(k)!;
    const path = `${prefix}${k}`;
    if (c instanceof H5Dataset) out.push(`${path} [${c.shape}]`);
    else {
      out.push(`${path}/ name=${JSON.stringify(c.attr("name"))}`);
      out.push(...listing(c, `${path}/`));
    }
  }
  return out;
}

const CASES = [
  "bidi_custom_backward_layer",
  "rnn_cell_list_mixed_seq",
  "shared_layer_two_inputs",
  "timedistributed_dense",
  "embedding_mask_zero_gru_dense",
];

Deno.test("weightsToBytes writes the same groups, names and datasets as Keras's .weights.h5", () => {
  for (const name of CASES) {
    const dir = `${KERAS_FIXTURES}/${name}`;
    resetLayerNames();
    const model = modelFromBytes(Deno.readFileSync(`${dir}/model.keras`), { label: name });
    const keras = readH5(Deno.readFileSync(`${dir}/model.weights.h5`), "keras");
    const ours = readH5(weightsToBytes(model), "kerno");
    assert.deepEqual(listing(ours), listing(keras), name);
  }
});

Deno.test("modelToBytes writes a stored zip with metadata.json, config.json, model.weights.h5", () => {
  resetLayerNames();
  const model = modelFromBytes(Deno.readFileSync(`${KERAS_FIXTURES}/lstm_default/model.keras`));
  const bytes = modelToBytes(model, new Date(2026, 0, 2, 3, 4, 5));
  const files = readZip(bytes, "out.keras");
  assert.deepEqual([...files.keys()], ["metadata.json", "config.json", "model.weights.h5"]);
  const meta = JSON.parse(new TextDecoder().decode(files.get("metadata.json")));
  assert.deepEqual(meta, {
    keras_version: "3.15.1",
    date_saved: "2026-01-02@03:04:05",
    kerno_version: "0.1.0",
  });
  const config = JSON.parse(new TextDecoder().decode(files.get("config.json")));
  assert.deepEqual(config, JSON.parse(model.toJSON()));
  assert.equal(new DataView(bytes.buffer).getUint16(8, true), 0); // ZIP_STORED
});

Deno.test("saveModel then loadModel is bit-identical for every fixture", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of caseNames(KERAS_FIXTURES)) {
      const c = readCaseJson(KERAS_FIXTURES, name) as {
        model_config: object;
        inputs: { shape: number[]; dtype?: string; data: number[] }[];
      };
      let model;
      try {
        resetLayerNames();
        model = modelFromJSON(c.model_config);
      } catch {
        continue; // a config @kerno/model cannot build yet; load_test reports these
      }
      await t.step(name, async () => {
        resetLayerNames();
        const first = await loadModel(`${KERAS_FIXTURES}/${name}/model.keras`);
        const path = `${dir}/${name}.keras`;
        await saveModel(first, path);
        resetLayerNames();
        const again = await loadModel(path);
        assert.deepEqual(
          again.getWeights().map((w) => w.f32),
          first.getWeights().map((w) => w.f32),
        );
        assert.equal(again.toJSON(), first.toJSON());
        const xs = c.inputs.map(fixtureTensor);
        const a = flatTensors(first.predict(xs.length === 1 ? xs[0] : xs));
        const b = flatTensors(again.predict(xs.length === 1 ? xs[0] : xs));
        assert.deepEqual(b.map((x) => x.data), a.map((x) => x.data));
      });
      void model;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveWeights writes a .weights.h5 that loadWeights reads back exactly", async () => {
  resetLayerNames();
  const src = await loadModel(`${KERAS_FIXTURES}/bidi_lstm_concat_seq/model.keras`);
  const dir = await Deno.makeTempDir();
  try {
    await saveWeights(src, `${dir}/m.weights.h5`);
    resetLayerNames();
    const c = readCaseJson(KERAS_FIXTURES, "bidi_lstm_concat_seq") as { model_config: object };
    const dst = modelFromJSON(c.model_config);
    weightsFromBytes(dst, await Deno.readFile(`${dir}/m.weights.h5`), "m.weights.h5");
    assert.deepEqual(dst.getWeights().map((w) => w.f32), src.getWeights().map((w) => w.f32));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["m.weights.h5"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("saveModel leaves no temporary file behind when the write fails", async () => {
  resetLayerNames();
  const model = await loadModel(`${KERAS_FIXTURES}/lstm_default/model.keras`);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/taken.keras`); // rename onto a directory fails
    await assert.rejects(() => saveModel(model, `${dir}/taken.keras`));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken.keras"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
