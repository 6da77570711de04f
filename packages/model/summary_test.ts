import assert from "node:assert/strict";
import { Concatenate, Dense, resetLayerNames, type SymbolicTensor } from "@kerno/layers";
import { Halves, TinyRNN } from "./_test_layers.ts";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";
import {
  connectionsText,
  isSequentialLike,
  layerShapeText,
  summaryShape,
  weightTotals,
} from "./summary.ts";
import { mapGraph } from "./graph.ts";

Deno.test("summaryShape prints shapes as Keras's summary does", () => {
  assert.equal(summaryShape([null, 5, 3]), "(None, 5, 3)");
  assert.equal(summaryShape([null]), "(None)");
});

Deno.test("layerShapeText lists several outputs and marks unknown shapes", () => {
  resetLayerNames();
  const x = Input({ shape: [4] });
  const halves = new Halves();
  halves.apply(x);
  assert.equal(layerShapeText(halves), "[(None, 2), (None, 2)]");
  assert.equal(layerShapeText(new Dense(3)), "?");
});

Deno.test("connectionsText and isSequentialLike follow the model's nodes", () => {
  resetLayerNames();
  const a = Input({ shape: [5, 4] });
  const b = Input({ shape: [7, 4] });
  const rnn = new TinyRNN();
  const cat = new Concatenate();
  const y = cat.apply([rnn.apply(a), rnn.apply(b)] as SymbolicTensor[]) as SymbolicTensor;
  const graph = mapGraph([a, b], [y]);
  assert.equal(connectionsText(rnn, graph.nodeSet), "input_layer[0][0], input_layer_1[0][0]");
  assert.equal(connectionsText(cat, graph.nodeSet), "tiny_rnn[0][0], tiny_rnn[1][0]");
  assert.equal(connectionsText(a.node.layer, graph.nodeSet), "-");
  assert.equal(isSequentialLike(graph), false);
  const chain = mapGraph([a], [rnn.inboundNodes[0].outputs[0]]);
  assert.equal(isSequentialLike(chain), true);
});

Deno.test("weightTotals counts a non-trainable layer apart", () => {
  resetLayerNames();
  const x = Input({ shape: [3] });
  const frozen = new Dense(2, { trainable: false });
  const model = new Model({
    inputs: x,
    outputs: new Dense(1).apply(frozen.apply(x) as SymbolicTensor),
  });
  assert.deepEqual(weightTotals(model), {
    trainable: { count: 3, bytes: 12 },
    nonTrainable: { count: 8, bytes: 32 },
  });
  const lines = model.summaryLines();
  assert.deepEqual(lines.slice(-3), [
    " Total params: 11 (44.00 B)",
    " Trainable params: 3 (12.00 B)",
    " Non-trainable params: 8 (32.00 B)",
  ]);
});

Deno.test("Model.summary prints through printFn one line at a time", () => {
  resetLayerNames();
  const x = Input({ shape: [5, 4] });
  const model = new Model({ inputs: x, outputs: new TinyRNN().apply(x) });
  const lines: string[] = [];
  model.summary((line) => lines.push(line));
  assert.deepEqual(lines, [
    'Model: "functional"',
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
    "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
    "│ input_layer (InputLayer)             │ (None, 5, 4)                │               0 │",
    "├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤",
    "│ tiny_rnn (TinyRNN)                   │ (None, 4)                   │               2 │",
    "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘",
    " Total params: 2 (8.00 B)",
    " Trainable params: 2 (8.00 B)",
    " Non-trainable params: 0 (0.00 B)",
  ]);
});
