import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import {
  ConfigReader,
  type DeserializeOptions,
  NotEqual,
  registerLayer,
  resetLayerNames,
  type SymbolicTensor,
} from "@kerno/layers";
import { Halves, TinyRNN } from "./_test_layers.ts";
import { modelFromConfig, modelFromJSON } from "./from_config.ts";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";

function tensorRef(layer: string, node: number, index: number, shape: unknown[]) {
  return {
    class_name: "__keras_tensor__",
    config: { shape, dtype: "float32", keras_history: [layer, node, index] },
  };
}

const inputLayer = (name: string, shape: unknown[]) => ({
  module: "keras.layers",
  class_name: "InputLayer",
  config: { batch_shape: shape, dtype: "float32", sparse: false, ragged: false, name },
  registered_name: null,
  name,
  inbound_nodes: [],
});

Deno.test("modelFromJSON replays calls in dependency order, whatever the layer order", () => {
  resetLayerNames();
  const config = {
    class_name: "Functional",
    config: {
      name: "m",
      trainable: true,
      layers: [
        {
          class_name: "TinyRNN",
          config: { name: "second" },
          name: "second",
          inbound_nodes: [{
            args: [tensorRef("first", 0, 0, [null, 3, 2])],
            kwargs: { initial_state: tensorRef("h0", 0, 0, [null, 2]) },
          }],
        },
        {
          class_name: "TinyRNN",
          config: { name: "first", return_sequences: true },
          name: "first",
          inbound_nodes: [{ args: [tensorRef("x", 0, 0, [null, 3, 2])], kwargs: {} }],
        },
        inputLayer("x", [null, 3, 2]),
        inputLayer("h0", [null, 2]),
      ],
      input_layers: [["x", 0, 0], ["h0", 0, 0]],
      output_layers: ["second", 0, 0],
    },
  };
  const model = modelFromJSON(JSON.stringify(config));
  assert.deepEqual(model.layers.map((l) => l.name), ["x", "first", "h0", "second"]);
  const node = model.getLayer("second").inboundNodes[0];
  assert.equal(node.call.initialState?.length, 1);
  const written = JSON.parse(model.toJSON()).config;
  const second = written.layers.find((l: { name: string }) => l.name === "second");
  assert.deepEqual(second.inbound_nodes[0].kwargs.initial_state, tensorRef("h0", 0, 0, [null, 2]));
  assert.deepEqual(written.input_layers, [["x", 0, 0], ["h0", 0, 0]]);
  assert.deepEqual(written.output_layers, ["second", 0, 0]);
});

Deno.test("modelFromJSON reads Keras 2's nested-list nodes and initial states", () => {
  resetLayerNames();
  const notes: string[] = [];
  const model = modelFromConfig({
    class_name: "Model",
    config: {
      name: "model_1",
      layers: [
        {
          name: "x",
          class_name: "InputLayer",
          config: { batch_input_shape: [null, 3, 2], name: "x" },
          inbound_nodes: [],
        },
        {
          name: "enc",
          class_name: "TinyRNN",
          config: { name: "enc" },
          inbound_nodes: [[["x", 0, 0, {}]]],
        },
        {
          name: "dec",
          class_name: "TinyRNN",
          config: { name: "dec" },
          inbound_nodes: [[["x", 0, 0, {}], ["enc", 0, 0, {}]]],
        },
      ],
      input_layers: [["x", 0, 0]],
      output_layers: [["dec", 0, 0]],
    },
    keras_version: "2.2.4",
    backend: "tensorflow",
  }, { notes });
  const call = model.getLayer("dec").inboundNodes[0].call;
  assert.equal(call.inputs.length, 1);
  assert.equal(call.initialState?.length, 1);
  assert.ok(notes.some((n) => n.includes("read as input + initial_state")));
  assert.deepEqual(model.outputStructure(), [0]);
  const out = model.predict(tensor([[[1, 2], [3, 4], [5, 6]]])) as Tensor[];
  assert.deepEqual(out[0].shape, [1, 2]);
});

Deno.test("modelFromJSON keeps positional tensor arguments and scalar extra arguments", () => {
  resetLayerNames();
  const x = Input({ shape: [3], name: "x" });
  const y = Input({ shape: [3], name: "y" });
  const ne = new NotEqual({ name: "ne" }).apply([x, y]) as SymbolicTensor;
  const ne0 = new NotEqual({ name: "ne0" }).apply(x, { extraArgs: [0] }) as SymbolicTensor;
  const model = new Model({ inputs: [x, y], outputs: [ne, ne0] });
  const json = JSON.parse(model.toJSON());
  const layers = json.config.layers;
  assert.equal(layers.find((l: { name: string }) => l.name === "ne0").inbound_nodes[0].args[1], 0);
  const asPositional = structuredClone(json);
  const neConfig = asPositional.config.layers.find((l: { name: string }) => l.name === "ne");
  neConfig.inbound_nodes[0].args = neConfig.inbound_nodes[0].args[0];
  const again = modelFromJSON(asPositional);
  assert.deepEqual(JSON.parse(again.toJSON()), asPositional);
  const [a, b] = again.predict([tensor([[1, 2, 0]]), tensor([[1, 5, 0]])]) as Tensor[];
  assert.deepEqual(Array.from(a.data), [0, 1, 0]);
  assert.deepEqual(Array.from(b.data), [1, 1, 0]);
});

Deno.test("modelFromJSON refuses call arguments it does not implement", () => {
  resetLayerNames();
  const config = {
    class_name: "Functional",
    config: {
      name: "m",
      layers: [
        inputLayer("x", [null, 3, 2]),
        {
          class_name: "TinyRNN",
          config: { name: "r" },
          name: "r",
          inbound_nodes: [{
            args: [tensorRef("x", 0, 0, [null, 3, 2])],
            kwargs: { constants: [1] },
          }],
        },
      ],
      input_layers: ["x", 0, 0],
      output_layers: ["r", 0, 0],
    },
  };
  assert.throws(
    () => modelFromJSON(config),
    /Layer "r", call 0: unsupported call argument "constants"/,
  );
});

Deno.test("modelFromJSON reports calls that can never be made", () => {
  resetLayerNames();
  const config = {
    class_name: "Functional",
    config: {
      name: "m",
      layers: [
        inputLayer("x", [null, 4]),
        {
          class_name: "Halves",
          config: { name: "h" },
          name: "h",
          inbound_nodes: [{ args: [tensorRef("x", 3, 0, [null, 4])], kwargs: {} }],
        },
      ],
      input_layers: ["x", 0, 0],
      output_layers: ["h", 0, 0],
    },
  };
  assert.throws(() => modelFromJSON(config), /calls of layer\(s\) "h" read tensors that no call/);
  assert.throws(() => modelFromJSON("{nope"), /not valid JSON/);
  assert.throws(
    () => modelFromJSON({ class_name: "Subclassed", config: {} }),
    /Unknown model class "Subclassed"/,
  );
});

Deno.test("modelFromJSON passes keras2HardSigmoid on to every layer factory", () => {
  resetLayerNames();
  const seen: DeserializeOptions[] = [];
  registerLayer("OptionsProbe", (config, options) => {
    seen.push(options);
    const r = new ConfigReader("OptionsProbe", config, options);
    const layer = new Halves(r.baseOptions());
    r.done();
    return layer;
  });
  modelFromJSON({
    class_name: "Sequential",
    config: {
      name: "s",
      layers: [
        { class_name: "InputLayer", config: { batch_shape: [null, 4], name: "in" } },
        { class_name: "OptionsProbe", config: { name: "p" } },
      ],
    },
  }, { keras2HardSigmoid: true });
  assert.equal(seen.length, 1);
  assert.equal((seen[0] as { keras2HardSigmoid?: boolean }).keras2HardSigmoid, true);
});

Deno.test("modelFromJSON rebuilds nested Sequential and Functional layers", () => {
  resetLayerNames();
  const x = Input({ shape: [3, 2] });
  const inner = new Model({ inputs: x, outputs: new TinyRNN().apply(x), name: "inner" });
  const z = Input({ shape: [3, 2] });
  const outer = new Model({ inputs: z, outputs: inner.apply(z), name: "outer" });
  const again = modelFromJSON(outer.toJSON());
  assert.deepEqual(again.layers.map((l) => l.className), ["InputLayer", "Functional"]);
  const v = tensor([[[1, 2], [3, 4], [5, 6]]]);
  assert.deepEqual(
    Array.from((again.predict(v) as Tensor).f32),
    Array.from((outer.predict(v) as Tensor).f32),
  );
});
