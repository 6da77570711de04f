import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { type Tensor, tensor } from "@kerno/tensor";
import { H5Writer } from "./h5/mod.ts";
import { loadModel, modelFileKind, modelFromBytes } from "./load.ts";
import { type CaseArrays, checkOutputs, KERAS_FIXTURES, readCaseJson } from "./_test_util.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Keras 2.2.4's `to_json()` of a Sequential (bare list of layers): Dense(2) -> Dense(1). */
function sequentialJson(layers = ["dense_1", "dense_2"], units = [2, 1]): string {
  return JSON.stringify({
    class_name: "Sequential",
    config: layers.map((name, i) => ({
      class_name: "Dense",
      config: {
        name,
        units: units[i],
        activation: "linear",
        use_bias: true,
        ...(i === 0 ? { batch_input_shape: [null, 3] } : {}),
      },
    })),
    keras_version: "2.2.4",
    backend: "tensorflow",
  });
}

/** A Keras 2 `save_weights` file: root `layer_names`, one group per layer with `weight_names`. */
function saveWeightsFile(
  layers: { name: string; kernel: number[]; shape: number[] }[],
): Uint8Array {
  const w = new H5Writer();
  w.rootAttr("layer_names", layers.map((l) => l.name));
  w.rootAttr("backend", "tensorflow");
  w.rootAttr("keras_version", "2.2.4");
  for (const l of layers) {
    w.group(l.name, { weight_names: [`${l.name}/kernel:0`, `${l.name}/bias:0`] });
    w.dataset(`${l.name}/${l.name}/kernel:0`, Float32Array.from(l.kernel), l.shape);
    const units = l.shape[l.shape.length - 1];
    w.dataset(`${l.name}/${l.name}/bias:0`, Float32Array.from({ length: units }, (_, i) => i), [
      units,
    ]);
  }
  return w.toBytes();
}

const DENSE_1 = { name: "dense_1", kernel: [1, 2, 3, 4, 5, 6], shape: [3, 2] };
const DENSE_2 = { name: "dense_2", kernel: [1, -1], shape: [2, 1] };

/** The model's one output on the row [1, 2, 0]. */
function predictRow(model: { predict(x: Tensor): unknown }): number[] {
  return Array.from((model.predict(tensor([1, 2, 0], [1, 3])) as Tensor).f32);
}

Deno.test("loadModel reads a Keras 2 to_json config with its save_weights .h5, from paths", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_pair_" });
  try {
    await Deno.writeTextFile(`${dir}/model.json`, sequentialJson());
    await Deno.writeFile(`${dir}/w.h5`, saveWeightsFile([DENSE_1, DENSE_2]));
    resetLayerNames();
    const notes: string[] = [];
    const model = await loadModel(`${dir}/model.json`, { weights: `${dir}/w.h5`, notes });
    // [1, 2, 0] @ [[1, 2], [3, 4], [5, 6]] + [0, 1] = [7, 11]; then 7 - 11 + 0 = -4
    assert.deepEqual(predictRow(model), [-4]);
    assert.deepEqual(model.layers.map((l) => l.name), ["dense_1", "dense_2"]);
    assert.equal(
      notes[0],
      "Sequential config was a bare list of layers (Keras <= 2.2.2); wrapped as {name, layers}",
    );
    const url = await loadModel(new URL(`file://${dir}/model.json`), {
      weights: new URL(`file://${dir}/w.h5`),
    });
    assert.deepEqual(predictRow(url), [-4]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("modelFromBytes takes the pair as bytes or ArrayBuffers", () => {
  const weights = saveWeightsFile([DENSE_1, DENSE_2]);
  resetLayerNames();
  const model = modelFromBytes(text(sequentialJson()), { weights: weights.slice().buffer });
  assert.deepEqual(predictRow(model), [-4]);
  assert.throws(() => modelFromBytes(text(sequentialJson()), { weights: "w.h5" as never }), {
    name: "TypeError",
    message:
      "<bytes>: modelFromBytes takes weights as a Uint8Array, an ArrayBuffer or false, received [object String] (loadModel reads paths, URLs and Responses)",
  });
});

Deno.test("loadModel reads a Keras 3 to_json config with its .weights.h5, .keras or .h5", async () => {
  const dir = `${KERAS_FIXTURES}/lstm_default`;
  const c = readCaseJson(KERAS_FIXTURES, "lstm_default") as unknown as CaseArrays & {
    model_config: object;
  };
  const json = text(JSON.stringify(c.model_config));
  for (const weights of ["model.weights.h5", "model.keras", "model.h5"]) {
    resetLayerNames();
    const model = await loadModel(json, { weights: `${dir}/${weights}` });
    assert.ok(checkOutputs(model, c.inputs, c.outputs) <= 1e-5, weights);
    // Keras 3's model_from_json builds layers as load_model does: paths from the layer down.
    assert.deepEqual(model.getLayer("lstm").weights.map((v) => v.path), [
      "lstm/lstm_cell/kernel",
      "lstm/lstm_cell/recurrent_kernel",
      "lstm/lstm_cell/bias",
    ]);
  }
});

Deno.test("loadModel refuses a JSON config without weights, and builds it with weights: false", async () => {
  assert.throws(() => modelFromBytes(text(sequentialJson()), { label: "model.json" }), {
    name: "TypeError",
    message:
      "model.json: a JSON model config holds no weights: pass its weights file as the weights option (the .h5 of save_weights, a .weights.h5 or a .keras), or weights: false for freshly initialized weights",
  });
  resetLayerNames();
  const model = await loadModel(text(sequentialJson()), { weights: false });
  assert.equal(model.countParams(), 3 * 2 + 2 + 2 * 1 + 1);
  assert.deepEqual(model.getWeights().map((w) => w.shape), [[3, 2], [2], [2, 1], [1]]);
  assert.ok(model.getWeights()[0].f32.some((v) => v !== 0), "the kernel is initialized");
});

Deno.test("loadModel names the JSON file that does not parse, and a JSON that is no model", () => {
  const weights = saveWeightsFile([DENSE_1, DENSE_2]);
  assert.throws(() =>
    modelFromBytes(text('{"class_name": "Sequential", '), {
      label: "model.json",
      weights,
    }), {
    name: "TypeError",
    message: /^model\.json: invalid JSON \(.+\)$/,
  });
  assert.throws(() => modelFromBytes(text('{"layers": []}'), { label: "model.json", weights }), {
    name: "TypeError",
    message: /^model\.json: Expected a Keras model config \{class_name, config\}, received/,
  });
  assert.throws(() => modelFromBytes(text("[1, 2]"), { label: "list.json", weights }), {
    name: "TypeError",
    message:
      /^list\.json: not a Keras model file: expected a \.keras zip .* or a JSON config \("\{"\), found "\[1, 2\]"$/,
  });
});

Deno.test("loadModel names the missing and extra layers and both files when the pair does not match", () => {
  const three = saveWeightsFile([DENSE_1, DENSE_2, { ...DENSE_2, name: "dense_3" }]);
  const opts = { label: "model.json", weightsLabel: "w.h5" };
  assert.throws(() => modelFromBytes(text(sequentialJson()), { ...opts, weights: three }), {
    name: "RangeError",
    message:
      'w.h5 (weights for model.json): the file has weights for 3 layers (dense_1, dense_2, dense_3), but model.json has 2 layers with weights (dense_1, dense_2); only in the file: "dense_3"',
  });
  const other = sequentialJson(["dense_1", "out", "extra"], [2, 1, 1]);
  // (dense_1 is wider in the file, so that the file holds as many bytes as the config declares)
  const two = saveWeightsFile([
    { ...DENSE_1, kernel: new Array(12).fill(1), shape: [3, 4] },
    DENSE_2,
  ]);
  assert.throws(() => modelFromBytes(text(other), { ...opts, weights: two }), {
    name: "RangeError",
    message:
      'w.h5 (weights for model.json): the file has weights for 2 layers (dense_1, dense_2), but model.json has 3 layers with weights (dense_1, out, extra); only in the file: "dense_2"; only in model.json: "out", "extra"',
  });
});

Deno.test("loadModel names the layer, weight, both shapes and both files of a wrong-shaped weight", () => {
  const wide = saveWeightsFile([
    { ...DENSE_1, kernel: [1, 2, 3, 4, 5, 6, 7, 8, 9], shape: [3, 3] },
    DENSE_2,
  ]);
  assert.throws(
    () =>
      modelFromBytes(text(sequentialJson()), {
        label: "model.json",
        weights: wide,
        weightsLabel: "w.h5",
      }),
    {
      name: "RangeError",
      message:
        'w.h5 (weights for model.json): dense_1/dense_1/kernel:0 has shape (3, 3), but layer "dense_1" weight sequential/dense_1/kernel expects (3, 2)',
    },
  );
});

Deno.test("loadModel matches renamed layers by order, as Keras does, and notes it", () => {
  const notes: string[] = [];
  resetLayerNames();
  const renamed = sequentialJson(["hidden", "out"]);
  const model = modelFromBytes(text(renamed), {
    label: "model.json",
    weights: saveWeightsFile([DENSE_1, DENSE_2]),
    weightsLabel: "w.h5",
    notes,
  });
  assert.deepEqual(predictRow(model), [-4]);
  assert.equal(
    notes.at(-1),
    "w.h5 (weights for model.json): layers matched to model.json by order, as Keras does: dense_1 -> hidden, dense_2 -> out",
  );
});

Deno.test("loadModel applies its limits to the JSON config and to the weights file", () => {
  const weights = saveWeightsFile([DENSE_1, DENSE_2]);
  assert.throws(() =>
    modelFromBytes(text(sequentialJson()), {
      label: "model.json",
      weights,
      limits: { maxJsonDepth: 3 },
    }), {
    name: "RangeError",
    message:
      /^model\.json: the config nests deeper than 3 levels \(at \.config\[1\]\.config…; limit maxJsonDepth = 3;/,
  });
  const keras = Deno.readFileSync(`${KERAS_FIXTURES}/lstm_default/model.keras`);
  const c = readCaseJson(KERAS_FIXTURES, "lstm_default");
  assert.throws(() =>
    modelFromBytes(text(JSON.stringify(c.model_config)), {
      label: "model.json",
      weights: keras,
      weightsLabel: "w.keras",
      limits: { maxEntryBytes: 1000 },
    }), {
    name: "RangeError",
    message:
      /^w\.keras \(weights for model\.json\): zip entry "model\.weights\.h5" declares 12376 bytes, more than allowed \(limit maxEntryBytes = 1000 B;/,
  });
  // The config declares Dense(2000): more weights than the weights file holds.
  assert.throws(
    () =>
      modelFromBytes(text(sequentialJson(["dense_1", "dense_2"], [2000, 1])), {
        label: "model.json",
        weights,
        weightsLabel: "w.h5",
      }),
    {
      name: "RangeError",
      message:
        'model.json: Dense layer "dense_1", weight "kernel": the config declares at least 23.4 KiB of weights (this one has shape (3, 2000)), but w.h5 (weights for model.json) holds only 44 B of weight data: the config and the weights do not match',
    },
  );
});

Deno.test("loadModel's weights replace those of a .keras or .h5 model file", async () => {
  const dir = `${KERAS_FIXTURES}/lstm_default`;
  resetLayerNames();
  const own = await loadModel(`${dir}/model.keras`);
  const zeros = new H5Writer();
  for (const [i, w] of own.getWeights().entries()) {
    zeros.dataset(`layers/lstm/cell/vars/${i}`, new Float32Array(w.size), w.shape);
  }
  // sequential: lstm (3 weights) then dense (2)
  const n = own.getLayer("lstm").weights.length;
  const w2 = new H5Writer();
  own.getWeights().forEach((w, i) => {
    const path = i < n ? `layers/lstm/cell/vars/${i}` : `layers/dense/vars/${i - n}`;
    w2.dataset(path, new Float32Array(w.size).fill(0.25), w.shape);
  });
  resetLayerNames();
  const replaced = await loadModel(`${dir}/model.keras`, { weights: w2.toBytes() });
  assert.ok(replaced.getWeights().every((w) => w.f32.every((v) => v === 0.25)));
});

Deno.test("modelFileKind tells a .keras, an .h5 and a JSON config by their first bytes", async () => {
  const dir = `${KERAS_FIXTURES}/lstm_default`;
  assert.equal(modelFileKind(await Deno.readFile(`${dir}/model.keras`)), "keras");
  assert.equal(modelFileKind(await Deno.readFile(`${dir}/model.h5`)), "h5");
  assert.equal(modelFileKind(text('\ufeff \n\t{"class_name": "Sequential"}')), "json");
  assert.equal(modelFileKind(text("[{}]")), null);
  assert.equal(modelFileKind(new Uint8Array()), null);
});

Deno.test("loadModel refuses a save_weights file that holds weights of the model itself", () => {
  const w = new H5Writer();
  w.rootAttr("layer_names", ["dense_1", "dense_2"]);
  for (const l of [DENSE_1, DENSE_2]) {
    w.group(l.name, { weight_names: [`${l.name}/kernel:0`, `${l.name}/bias:0`] });
    w.dataset(`${l.name}/${l.name}/kernel:0`, Float32Array.from(l.kernel), l.shape);
    w.dataset(`${l.name}/${l.name}/bias:0`, new Float32Array(l.shape[1]), [l.shape[1]]);
  }
  w.group("top_level_model_weights", { weight_names: ["seed:0"] });
  w.dataset("top_level_model_weights/seed:0", new Float32Array(1), [1]);
  assert.throws(
    () =>
      modelFromBytes(text(sequentialJson()), {
        label: "model.json",
        weights: w.toBytes(),
        weightsLabel: "w.h5",
      }),
    {
      name: "TypeError",
      message:
        "w.h5 (weights for model.json): top_level_model_weights holds 1 weights of the model itself, which Kerno models do not have",
    },
  );
});
