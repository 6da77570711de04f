import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { modelFromJSON } from "@kerno/model";
import { Tensor } from "@kerno/tensor";
import { H5Writer } from "./h5/mod.ts";
import { loadModel, loadWeights, modelFromBytes } from "./load.ts";
import {
  type CaseArrays,
  caseNames,
  checkOutputs,
  KERAS_FIXTURES,
  needsOutsideData,
  readCaseJson,
  WILD_FIXTURES,
} from "./_test_util.ts";

type Case = CaseArrays & {
  model_config: Record<string, unknown>;
  weights: { data: number[] }[];
};

/** Whether Kerno's model package builds this config at all (io cannot do better than that). */
function modelBuilds(c: Case): boolean {
  try {
    resetLayerNames();
    modelFromJSON(c.model_config);
    return true;
  } catch {
    return false;
  }
}

Deno.test("loadModel and loadWeights reproduce every Keras fixture from its three files", async (t) => {
  for (const name of caseNames(KERAS_FIXTURES)) {
    const dir = `${KERAS_FIXTURES}/${name}`;
    const c = readCaseJson(KERAS_FIXTURES, name) as unknown as Case;
    const ignore = !modelBuilds(c);
    await t.step({
      name: `${name} model.keras`,
      ignore,
      fn: async () => {
        resetLayerNames();
        checkOutputs(await loadModel(`${dir}/model.keras`), c.inputs, c.outputs);
      },
    });
    await t.step({
      name: `${name} model.h5`,
      ignore,
      fn: async () => {
        resetLayerNames();
        checkOutputs(await loadModel(`${dir}/model.h5`), c.inputs, c.outputs);
      },
    });
    await t.step({
      name: `${name} model.weights.h5`,
      ignore,
      fn: async () => {
        resetLayerNames();
        const model = modelFromJSON(c.model_config);
        await loadWeights(model, `${dir}/model.weights.h5`);
        const got = model.getWeights();
        assert.equal(got.length, c.weights.length);
        got.forEach((w, i) =>
          assert.deepEqual(Array.from(w.f32), c.weights[i].data.map(Math.fround))
        );
        checkOutputs(model, c.inputs, c.outputs);
      },
    });
  }
});

type WildCase = Case & {
  source: { file: string };
  outputs_keras2_hard_sigmoid?: CaseArrays["outputs"];
};

Deno.test({
  ...needsOutsideData(
    "loadModel reads the eight real-world Keras files (Keras 2.0 to 3.x)",
    WILD_FIXTURES,
  ),
  async fn(t) {
    const names = caseNames(WILD_FIXTURES);
    assert.equal(names.length, 8, `keras-wild cases in ${WILD_FIXTURES}`);
    for (const name of names) {
      const c = readCaseJson(WILD_FIXTURES, name) as unknown as WildCase;
      const path = `${WILD_FIXTURES}/${name}/${c.source.file}`;
      const ignore = !modelBuilds(c);
      await t.step({
        name: `${name} (${c.source.file}), Kerno's default`,
        ignore,
        fn: async () => {
          resetLayerNames();
          const notes: string[] = [];
          const model = await loadModel(path, { notes });
          checkOutputs(model, c.inputs, c.outputs_keras2_hard_sigmoid ?? c.outputs);
        },
      });
      if (c.outputs_keras2_hard_sigmoid) {
        await t.step({
          name: `${name} with keras2HardSigmoid: false (Keras 3's reading)`,
          ignore,
          fn: async () => {
            resetLayerNames();
            const model = await loadModel(path, { keras2HardSigmoid: false });
            checkOutputs(model, c.inputs, c.outputs);
          },
        });
      }
    }
  },
});

Deno.test({
  ...needsOutsideData(
    "loadModel notes each legacy translation of a Keras 2.0.4 file",
    WILD_FIXTURES,
  ),
  async fn() {
    resetLayerNames();
    const notes: string[] = [];
    const path = `${WILD_FIXTURES}/aind_gru_timedistributed/simple_rnn_model.h5`;
    const model = await loadModel(path, { notes });
    assert.equal(model.className, "Functional");
    assert.deepEqual(notes.slice(0, 6), [
      'model class "Model" (Keras <= 2.2) read as "Functional"',
      "Functional input_layers: a list of one, read as a single tensor (as Keras 3 does)",
      "Functional output_layers: a list of one, read as a single tensor (as Keras 3 does)",
      'InputLayer "input_2": batch_input_shape read as batch_shape',
      'GRU "gru_2": dropped implementation: 0 (same math)',
      'GRU "gru_2": no reset_after key (Keras < 2.1.5 GRU); set reset_after=false, the formula it used',
    ]);
    assert.match(
      notes[6],
      /hard_sigmoid read as Keras 2's clip\(0\.2x \+ 0\.5, 0, 1\) \(file written by Keras 2\.0\.4/,
    );
  },
});

Deno.test({
  ...needsOutsideData(
    "loadModel detects an HDF5 file by its magic bytes, whatever its name",
    WILD_FIXTURES,
  ),
  async fn() {
    resetLayerNames();
    const bytes = await Deno.readFile(`${WILD_FIXTURES}/next_number_simplernn/simple_rnn_model.h5`);
    const tmp = await Deno.makeTempFile({ suffix: ".keras" });
    try {
      await Deno.writeFile(tmp, bytes);
      const model = await loadModel(tmp);
      assert.equal(model.layers.length, 2);
    } finally {
      await Deno.remove(tmp);
    }
  },
});

const lstmDir = `${KERAS_FIXTURES}/lstm_default`;

Deno.test("loadModel refuses a file that is neither zip, HDF5 nor a JSON config", () => {
  assert.throws(() => modelFromBytes(new TextEncoder().encode("hello\n"), { label: "m.txt" }), {
    name: "TypeError",
    message:
      'm.txt: not a Keras model file: expected a .keras zip ("PK\\x03\\x04"), an HDF5 .h5 ("\\x89HDF\\r\\n\\x1a\\n") or a JSON config ("{"), found "hello\\\\x0a"',
  });
});

Deno.test("loadModel points a weights-only .h5 to its model config", () => {
  const w = new H5Writer();
  w.rootAttr("layer_names", ["dense"]);
  w.group("dense", { weight_names: [] });
  assert.throws(() => modelFromBytes(w.toBytes(), { label: "w.h5" }), {
    name: "TypeError",
    message:
      'w.h5: a weights-only file; load it with its model config: loadModel("model.json", { weights: "w.h5" }), or loadWeights(model, "w.h5")',
  });
});

Deno.test("loadModel refuses a blas option that is not true, false or a path, before reading", async () => {
  await assert.rejects(() => loadModel("/nonexistent/m.keras", { blas: 1 as unknown as boolean }), {
    name: "TypeError",
    message: "/nonexistent/m.keras: blas must be true, false or a library path, received 1",
  });
});

Deno.test("loadModel's blas option sets the model's backend; a missing library leaves it on WebAssembly", async () => {
  const keras = await Deno.readFile(`${lstmDir}/model.keras`);
  const model = modelFromBytes(keras, { blas: "/nonexistent/libkerno-nope.so" });
  assert.equal(model.blas, "/nonexistent/libkerno-nope.so");
  const [, t, f] = model.inputs[0].shape;
  const x = new Tensor(new Float32Array(2 * (t ?? 3) * f!).fill(0.25), [2, t ?? 3, f!]);
  const onWasm = model.predictFlat([x], { blas: false }).map((y) => y.data);
  assert.deepEqual(model.predictFlat([x]).map((y) => y.data), onWasm);
});

Deno.test("loadModel names the file of a truncated .keras or .h5", async () => {
  const keras = await Deno.readFile(`${lstmDir}/model.keras`);
  assert.throws(() => modelFromBytes(keras.slice(0, keras.length / 2), { label: "half.keras" }), {
    message: /^half\.keras: truncated or corrupted zip archive/,
  });
  const h5 = await Deno.readFile(`${lstmDir}/model.h5`);
  assert.throws(() => modelFromBytes(h5.slice(0, 3000), { label: "half.h5" }), {
    name: "RangeError",
    message: /^half\.h5: truncated or corrupted HDF5 file/,
  });
});

Deno.test("loadModel names the file and layer of an unknown class or a Lambda layer", () => {
  const config = (cls: string) => ({
    class_name: "Sequential",
    config: {
      name: "s",
      layers: [
        { class_name: "InputLayer", config: { batch_shape: [null, 3], name: "in" } },
        { class_name: cls, config: { name: "odd" } },
      ],
    },
  });
  const h5 = (cls: string) => legacyFile(config(cls));
  assert.throws(() => modelFromBytes(h5("Frobnicate"), { label: "odd.h5" }), {
    name: "TypeError",
    message: /^odd\.h5: Unknown layer class "Frobnicate" \(layer "odd"\)/,
  });
  assert.throws(() => modelFromBytes(h5("Lambda"), { label: "lambda.h5" }), {
    name: "TypeError",
    message:
      /^lambda\.h5: The model has 1 Lambda layer whose body is Python code, which Kerno never runs; 1 has no TypeScript body:\n {2}- "odd": input \(None, 3\) -> output \?/,
  });
});

Deno.test("loadWeights names the file, layer and path of a missing or wrong-shaped weight", async () => {
  const c = readCaseJson(KERAS_FIXTURES, "timedistributed_dense") as unknown as Case;
  resetLayerNames();
  const model = modelFromJSON(c.model_config);
  const before = model.getWeights().map((w) => Array.from(w.f32));
  const wrong = modelFromJSON(readCaseJson(KERAS_FIXTURES, "lstm_default").model_config as object);
  const otherBytes = await Deno.readFile(`${KERAS_FIXTURES}/lstm_default/model.weights.h5`);
  await assert.rejects(() => loadWeights(model, otherBytes, { label: "other.weights.h5" }), {
    message:
      /^other\.weights\.h5: no weights for layer "time_distributed" \(expected the group "layers\/time_distributed\/layer\/vars" with 2 variables\)$/,
  });
  const tdBytes = await Deno.readFile(`${KERAS_FIXTURES}/timedistributed_dense/model.weights.h5`);
  await assert.rejects(() => loadWeights(wrong, tdBytes, { label: "td.weights.h5" }), {
    name: "TypeError",
    message:
      'td.weights.h5: the file has weights at "layers/time_distributed/layer/vars", which matches no layer of the model (is it the file of another model?)',
  });
  const w = new H5Writer();
  w.dataset("layers/lstm/cell/vars/0", new Float32Array(4), [2, 2]);
  w.dataset("layers/lstm/cell/vars/1", new Float32Array(4), [2, 2]);
  w.dataset("layers/lstm/cell/vars/2", new Float32Array(4), [4]);
  const before2 = wrong.getWeights().map((x) => Array.from(x.f32));
  await assert.rejects(() => loadWeights(wrong, w.toBytes(), { label: "bad.weights.h5" }), {
    name: "RangeError",
    message:
      /^bad\.weights\.h5: layers\/lstm\/cell\/vars\/0 has shape \(2, 2\), but layer "lstm" weight sequential\/lstm\/lstm_cell\/kernel expects \(\d+, \d+\)$/,
  });
  assert.deepEqual(wrong.getWeights().map((x) => Array.from(x.f32)), before2);
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.f32)), before);
});

Deno.test("loadWeights by order names the legacy path and layer of a wrong-shaped weight", async () => {
  resetLayerNames();
  const model = modelFromJSON(readCaseJson(KERAS_FIXTURES, "gru_default").model_config as object);
  const before = model.getWeights().map((w) => Array.from(w.f32));
  const bytes = await Deno.readFile(`${KERAS_FIXTURES}/lstm_default/model.h5`);
  await assert.rejects(() => loadWeights(model, bytes, { label: "lstm.h5" }), {
    name: "RangeError",
    message:
      /^lstm\.h5: model_weights\/lstm\/sequential\/lstm\/lstm_cell\/kernel has shape \(\d+, 16\), but layer "gru" weight sequential\/gru\/gru_cell\/kernel expects \(\d+, \d+\)$/,
  });
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.f32)), before);
});

/** A legacy HDF5 model file with `config` and no weights. */
function legacyFile(config: unknown): Uint8Array {
  const w = new H5Writer();
  w.rootAttr("keras_version", "2.2.4");
  w.rootAttr("backend", "tensorflow");
  w.rootAttr("model_config", JSON.stringify(config));
  return w.toBytes();
}
