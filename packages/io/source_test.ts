import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { modelFromJSON } from "@kerno/model";
import { loadModel, loadWeights } from "./load.ts";
import { KERAS_FIXTURES, readCaseJson } from "./_test_util.ts";

const file = `${KERAS_FIXTURES}/lstm_default/model.keras`;

function weightBits(model: { getWeights(): { f32: Float32Array }[] }): number[][] {
  return model.getWeights().map((w) => Array.from(new Uint32Array(w.f32.slice().buffer)));
}

Deno.test("loadModel reads the same model from a path, file URL, Response, ArrayBuffer and bytes", async () => {
  resetLayerNames();
  const want = weightBits(await loadModel(file));
  const bytes = await Deno.readFile(file);
  const sources = [
    new URL(`file://${file}`),
    new Response(bytes),
    bytes.slice().buffer,
    bytes,
  ];
  for (const source of sources) {
    resetLayerNames();
    assert.deepEqual(weightBits(await loadModel(source)), want);
  }
});

Deno.test("loadWeights reads a Response and an ArrayBuffer", async () => {
  const config = readCaseJson(KERAS_FIXTURES, "lstm_default").model_config as object;
  const bytes = await Deno.readFile(`${KERAS_FIXTURES}/lstm_default/model.weights.h5`);
  resetLayerNames();
  const fromPath = modelFromJSON(config);
  await loadWeights(fromPath, `${KERAS_FIXTURES}/lstm_default/model.weights.h5`);
  for (const source of [new Response(bytes), bytes.slice().buffer]) {
    resetLayerNames();
    const model = modelFromJSON(config);
    await loadWeights(model, source);
    assert.deepEqual(weightBits(model), weightBits(fromPath));
  }
});

Deno.test("loadModel names a failed Response and its status", async () => {
  const missing = new Response("no such file", { status: 404, statusText: "Not Found" });
  await assert.rejects(() => loadModel(missing, { label: "models/m.keras" }), {
    name: "Error",
    message: "models/m.keras: expected a file, but the server answered 404 Not Found",
  });
  const used = new Response("x");
  await used.text();
  await assert.rejects(() => loadModel(used), {
    name: "TypeError",
    message: "<response>: the Response body was already read",
  });
});

Deno.test("loadModel refuses a source that is no path, URL, Response or bytes", async () => {
  await assert.rejects(() => loadModel(42 as unknown as string), {
    name: "TypeError",
    message:
      "expected a file path, URL, Response, Uint8Array or ArrayBuffer, found [object Number]",
  });
});
