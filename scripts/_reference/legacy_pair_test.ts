import assert from "node:assert/strict";
import { H5Dataset, type H5Group, H5Writer, readH5 } from "@kerno/io/h5";
import { configWeightsPair } from "./legacy_pair.ts";

const CASE = decodeURIComponent(
  new URL("../../tests/fixtures/keras/lstm_default/", import.meta.url).pathname,
);

/** Every dataset below `group`, by path relative to it, as numbers. */
function datasets(group: H5Group, prefix = ""): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const key of group.keys()) {
    const child = group.get(key)!;
    if (child instanceof H5Dataset) out[prefix + key] = Array.from(child.readFloat32());
    else Object.assign(out, datasets(child, `${prefix}${key}/`));
  }
  return out;
}

Deno.test("configWeightsPair gives a legacy .h5's to_json text and save_weights file", async () => {
  const bytes = await Deno.readFile(`${CASE}model.h5`);
  const pair = configWeightsPair(bytes, "model.h5");
  const h5 = readH5(bytes);
  assert.equal(pair.kind, "legacy");
  assert.deepEqual(JSON.parse(new TextDecoder().decode(pair.json)), {
    ...JSON.parse(String(h5.attr("model_config"))),
    keras_version: h5.attr("keras_version"),
    backend: h5.attr("backend"),
  });
  const weights = readH5(pair.weights);
  const mw = h5.group("model_weights");
  assert.deepEqual(weights.attrNames().sort(), ["backend", "keras_version", "layer_names"]);
  assert.deepEqual(weights.attr("layer_names"), mw.attr("layer_names"));
  assert.deepEqual(weights.keys(), mw.keys());
  for (const layer of mw.keys()) {
    assert.deepEqual(
      weights.group(layer).attr("weight_names"),
      mw.group(layer).attr("weight_names"),
    );
  }
  const values = datasets(weights);
  assert.deepEqual(values, datasets(mw));
  assert.deepEqual(Object.keys(values), [
    "lstm/sequential/lstm/lstm_cell/bias",
    "lstm/sequential/lstm/lstm_cell/kernel",
    "lstm/sequential/lstm/lstm_cell/recurrent_kernel",
  ]);
});

Deno.test("configWeightsPair gives a .keras archive's config.json and model.weights.h5", async () => {
  const pair = configWeightsPair(await Deno.readFile(`${CASE}model.keras`), "model.keras");
  assert.equal(pair.kind, "keras3");
  const config = JSON.parse(new TextDecoder().decode(pair.json));
  assert.equal(config.module, "keras");
  assert.equal(config.class_name, "Sequential");
  assert.ok(readH5(pair.weights).has("layers/lstm/cell/vars/0"));
});

Deno.test("configWeightsPair names a file that has no model_config", () => {
  const w = new H5Writer();
  w.rootAttr("layer_names", ["dense"]);
  assert.throws(() => configWeightsPair(w.toBytes(), "w.h5"), {
    name: "TypeError",
    message: "w.h5: expected a model_config attribute and a model_weights group",
  });
});
