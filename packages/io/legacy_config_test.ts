import assert from "node:assert/strict";
import { translateLegacyConfig } from "./legacy_config.ts";

Deno.test("translateLegacyConfig wraps a bare-list Sequential and turns batch_input_shape into an InputLayer", () => {
  const notes: string[] = [];
  const out = translateLegacyConfig({
    class_name: "Sequential",
    config: [
      {
        class_name: "LSTM",
        config: { name: "lstm_3", batch_input_shape: [null, 1, 200], units: 4, implementation: 1 },
      },
      { class_name: "Dense", config: { name: "dense_3", units: 3 } },
    ],
  }, notes);
  assert.deepEqual(out, {
    class_name: "Sequential",
    config: {
      name: "sequential",
      layers: [
        {
          class_name: "InputLayer",
          config: {
            batch_shape: [null, 1, 200],
            dtype: "float32",
            sparse: false,
            name: "lstm_3_input",
          },
        },
        { class_name: "LSTM", config: { name: "lstm_3", units: 4 } },
        { class_name: "Dense", config: { name: "dense_3", units: 3 } },
      ],
    },
  });
  assert.deepEqual(notes, [
    "Sequential config was a bare list of layers (Keras <= 2.2.2); wrapped as {name, layers}",
    'LSTM "lstm_3": dropped implementation: 1 (same math)',
    'LSTM "lstm_3": batch_input_shape [null,1,200] became an InputLayer "lstm_3_input" with that batch_shape',
  ]);
});

Deno.test("translateLegacyConfig drops time_major, sets reset_after on old GRUs, descends into wrappers", () => {
  const notes: string[] = [];
  const out = translateLegacyConfig({
    class_name: "Sequential",
    config: {
      name: "s",
      layers: [
        { class_name: "InputLayer", config: { batch_input_shape: [null, 5, 1], name: "in" } },
        {
          class_name: "Bidirectional",
          config: {
            name: "bi",
            layer: { class_name: "GRU", config: { name: "g", time_major: false } },
          },
        },
      ],
    },
  }, notes);
  const layers = (out.config as { layers: { config: Record<string, unknown> }[] }).layers;
  assert.deepEqual(layers[0].config, { batch_shape: [null, 5, 1], name: "in" });
  assert.deepEqual(layers[1].config.layer, {
    class_name: "GRU",
    config: { name: "g", reset_after: false },
  });
  assert.deepEqual(notes, [
    'InputLayer "in": batch_input_shape read as batch_shape',
    'GRU "g": dropped time_major: false (tf.keras 2 key)',
    'GRU "g": no reset_after key (Keras < 2.1.5 GRU); set reset_after=false, the formula it used',
  ]);
});

Deno.test("translateLegacyConfig rewrites Keras 2 inbound nodes; extra RNN inputs become initial_state", () => {
  const notes: string[] = [];
  const out = translateLegacyConfig({
    class_name: "Model",
    config: {
      name: "m",
      layers: [
        {
          name: "lstm_2",
          class_name: "LSTM",
          config: { name: "lstm_2" },
          inbound_nodes: [[["emb", 0, 0, {}], ["lstm_1", 0, 0, {}], ["lstm_1", 0, 0, {}]]],
        },
        {
          name: "cat",
          class_name: "Concatenate",
          config: { name: "cat" },
          inbound_nodes: [[["a", 0, 0, {}], ["b", 1, 0, {}]]],
        },
      ],
      input_layers: [["emb", 0, 0]],
      output_layers: [["cat", 0, 0]],
    },
  }, notes);
  assert.equal(out.class_name, "Functional");
  const config = out.config as Record<string, unknown>;
  assert.deepEqual(config.input_layers, ["emb", 0, 0]);
  assert.deepEqual(config.output_layers, ["cat", 0, 0]);
  const t = (name: string, node = 0) => ({
    class_name: "__keras_tensor__",
    config: { shape: null, dtype: "float32", keras_history: [name, node, 0] },
  });
  const layers = (out.config as { layers: { inbound_nodes: unknown }[] }).layers;
  assert.deepEqual(layers[0].inbound_nodes, [
    { args: [t("emb")], kwargs: { initial_state: [t("lstm_1"), t("lstm_1")] } },
  ]);
  assert.deepEqual(layers[1].inbound_nodes, [{ args: [[t("a"), t("b", 1)]], kwargs: {} }]);
  assert.deepEqual(notes, [
    'model class "Model" (Keras <= 2.2) read as "Functional"',
    "Functional input_layers: a list of one, read as a single tensor (as Keras 3 does)",
    "Functional output_layers: a list of one, read as a single tensor (as Keras 3 does)",
    'LSTM "lstm_2": its extra inputs (lstm_1, lstm_1) are the initial_state, as Keras 2 recorded it',
  ]);
});

Deno.test("translateLegacyConfig leaves a Keras 3 config as it is and refuses time_major: true", () => {
  const config = JSON.parse(Deno.readTextFileSync(
    new URL("../../tests/fixtures/keras/encoder_decoder_lstm/case.json", import.meta.url),
  )).model_config;
  const notes: string[] = [];
  assert.deepEqual(translateLegacyConfig(config, notes), config);
  assert.deepEqual(notes, []);
  assert.throws(
    () =>
      translateLegacyConfig({
        class_name: "Sequential",
        config: { layers: [{ class_name: "LSTM", config: { name: "l", time_major: true } }] },
      }, []),
    { name: "TypeError", message: 'LSTM "l": time_major=true is not supported' },
  );
});
