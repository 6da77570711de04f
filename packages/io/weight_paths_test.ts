import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { modelFromJSON } from "@kerno/model";
import { kerasWeightSlots } from "./weight_paths.ts";
import { KERAS_FIXTURES, readCaseJson } from "./_test_util.ts";

function slots(name: string): string[] {
  resetLayerNames();
  const c = readCaseJson(KERAS_FIXTURES, name) as { model_config: object };
  return kerasWeightSlots(modelFromJSON(c.model_config)).map((s) =>
    `${s.path || "/"} ${s.name} ${s.variables.map((v) => v.name).join(",")}`
  );
}

Deno.test("kerasWeightSlots follows Keras's paths for stacked cells", () => {
  assert.deepEqual(slots("rnn_cell_list_mixed_seq"), [
    "/ sequential ",
    "layers/rnn rnn ",
    "layers/rnn/cell stacked_rnn_cells ",
    "layers/rnn/cell/cells/gru_cell gru_cell kernel,recurrent_kernel,bias",
    "layers/rnn/cell/cells/simple_rnn_cell simple_rnn_cell kernel,recurrent_kernel,bias",
  ]);
});

Deno.test("kerasWeightSlots counts class names, InputLayers included, for a Functional model", () => {
  assert.deepEqual(slots("encoder_decoder_lstm"), [
    "/ functional ",
    "layers/input_layer input_layer ",
    "layers/input_layer_1 input_layer_1 ",
    "layers/lstm lstm ",
    "layers/lstm/cell lstm_cell kernel,recurrent_kernel,bias",
    "layers/lstm_1 lstm_1 ",
    "layers/lstm_1/cell lstm_cell kernel,recurrent_kernel,bias",
    "layers/dense dense kernel,bias",
  ]);
});

Deno.test("kerasWeightSlots names Bidirectional's and TimeDistributed's children by attribute", () => {
  assert.deepEqual(slots("bidi_custom_backward_layer").slice(1), [
    "layers/bidirectional bidirectional ",
    "layers/bidirectional/forward_layer forward_lstm ",
    "layers/bidirectional/forward_layer/cell lstm_cell kernel,recurrent_kernel,bias",
    "layers/bidirectional/backward_layer gru ",
    "layers/bidirectional/backward_layer/cell gru_cell kernel,recurrent_kernel,bias",
  ]);
  assert.deepEqual(slots("timedistributed_dense").slice(3), [
    "layers/time_distributed time_distributed ",
    "layers/time_distributed/layer dense kernel,bias",
  ]);
});
