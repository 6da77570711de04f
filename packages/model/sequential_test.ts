import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import { Dense, deserializeLayer, resetLayerNames } from "@kerno/layers";
import { Halves, TinyRNN } from "./_test_layers.ts";
import { Input, InputLayer } from "./input_layer.ts";
import { modelFromJSON } from "./from_config.ts";
import { Sequential } from "./sequential.ts";

Deno.test("Sequential builds from an Input() and prefixes weight paths", () => {
  resetLayerNames();
  const dense = new Dense(2);
  const model = new Sequential([
    Input({ shape: [5, 3] }),
    new TinyRNN({ returnSequences: true }),
    dense,
  ]);
  assert.equal(model.name, "sequential");
  assert.ok(model.built);
  assert.deepEqual(model.layers.map((l) => l.name), ["tiny_rnn", "dense"]);
  assert.deepEqual(model.weights.map((w) => w.path), [
    "sequential/tiny_rnn/w",
    "sequential/tiny_rnn/u",
    "sequential/dense/kernel",
    "sequential/dense/bias",
  ]);
  assert.deepEqual(model.outputs[0].shape, [null, 5, 2]);
  const y = model.predict(Tensor.zeros([4, 5, 3])) as Tensor;
  assert.deepEqual(y.shape, [4, 5, 2]);
});

Deno.test("Sequential takes inputShape from its first layer", () => {
  resetLayerNames();
  const model = new Sequential([new TinyRNN({ inputShape: [4, 2] }), new Dense(1)]);
  assert.ok(model.built);
  assert.deepEqual(model.inputs[0].shape, [null, 4, 2]);
  const config = model.getConfig();
  assert.deepEqual(config.build_input_shape, [null, 4, 2]);
  const layers = config.layers as { class_name: string; config: { batch_shape?: unknown } }[];
  assert.equal(layers[0].class_name, "InputLayer");
  assert.deepEqual(layers[0].config.batch_shape, [null, 4, 2]);
});

Deno.test("Sequential without an input shape builds from the first data", () => {
  resetLayerNames();
  const model = new Sequential([new TinyRNN(), new Dense(3)]);
  assert.equal(model.built, false);
  assert.equal(
    model.summaryLines()[4],
    "│ tiny_rnn (TinyRNN)                   │ ?                           │     0 (unbuilt) │",
  );
  const y = model.predict(Tensor.zeros([2, 6, 4])) as Tensor;
  assert.deepEqual(y.shape, [2, 3]);
  assert.ok(model.built);
  assert.deepEqual(model.inputs[0].shape, [null, 6, 4]);
});

Deno.test("Sequential.add and pop rebuild the model", () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [3] })]);
  assert.equal(model.built, false);
  model.add(new Dense(4));
  model.add(new Dense(2));
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  const popped = model.pop();
  assert.equal(popped.name, "dense_1");
  assert.equal(popped.parent, null);
  assert.deepEqual(model.outputs[0].shape, [null, 4]);
  assert.equal(model.countParams(), 16);
  model.pop();
  assert.throws(() => model.pop(), /has no layers to pop/);
});

Deno.test("Sequential refuses a second Input and duplicate names", () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [3] }), new Dense(2, { name: "d" })]);
  assert.throws(
    () => model.add(Input({ shape: [4] })),
    /has already been configured to use input shape \(None, 3\)/,
  );
  assert.throws(() => model.add(new Dense(2, { name: "d" })), /Name "d" is already the name/);
  assert.deepEqual(model.layers.map((l) => l.name), ["d"]);
});

Deno.test("Sequential.add keeps the model as it was when the layer does not fit", () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [3] }), new Dense(2)]);
  assert.throws(() => model.add(new TinyRNN()), /expected ndim=3, found ndim=2/);
  assert.deepEqual(model.layers.map((l) => l.name), ["dense"]);
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
});

Deno.test("Sequential lets only its last layer return several outputs", () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [4] }), new Halves()]);
  assert.deepEqual(model.outputStructure(), [0, 1]);
  assert.throws(
    () => model.add(new Dense(1)),
    /layer "halves" returns 2; only the last layer may return several/,
  );
});

Deno.test("Sequential config round-trips through modelFromJSON", () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [5, 3] }), new TinyRNN(), new Dense(2)], {
    name: "seq",
  });
  const json = JSON.parse(model.toJSON());
  assert.equal(json.class_name, "Sequential");
  assert.equal(json.module, "keras");
  assert.equal(json.registered_name, null);
  assert.deepEqual(json.build_config, { input_shape: [null, 5, 3] });
  assert.deepEqual(json.compile_config, {});
  const again = modelFromJSON(json);
  assert.ok(again instanceof Sequential);
  assert.deepEqual(JSON.parse(again.toJSON()), json);
  again.setWeights(model.getWeights());
  const x = tensor(Array.from({ length: 30 }, (_, i) => i / 30), [2, 5, 3]);
  assert.deepEqual(
    Array.from((again.predict(x) as Tensor).f32),
    Array.from((model.predict(x) as Tensor).f32),
  );
});

Deno.test("Sequential reads Keras 2 configs: bare list and batch_input_shape", () => {
  resetLayerNames();
  const notes: string[] = [];
  const model = modelFromJSON({
    class_name: "Sequential",
    config: [
      { class_name: "TinyRNN", config: { name: "rnn", batch_input_shape: [null, 4, 2] } },
      { class_name: "Halves", config: { name: "h" } },
    ],
  }, { notes });
  assert.ok(model instanceof Sequential);
  assert.deepEqual(model.inputs[0].shape, [null, 4, 2]);
  assert.ok(model.getLayer(0) instanceof TinyRNN);
  assert.ok(notes.some((n) => n.includes("bare list")));
  const first = (model as Sequential).getConfig().layers as { class_name: string }[];
  assert.equal(first[0].class_name, "InputLayer");
});

Deno.test("Sequential.build adds an InputLayer for a given shape", () => {
  resetLayerNames();
  const model = new Sequential([deserializeLayer({ class_name: "Dense", config: { units: 2 } })]);
  model.build([[null, 7]]);
  assert.ok(model.built);
  assert.deepEqual(model.outputs[0].shape, [null, 2]);
  assert.ok(model.inputs[0].node.layer instanceof InputLayer);
  assert.equal(model.countParams(), 16);
});
