/**
 * Models used as layers: weight order with non-trainable weights inside, variable paths of a
 * built model wrapped in TimeDistributed, and the serialized envelope of a nested model.
 */
import assert from "node:assert/strict";
import { BatchNormalization, Dense, resetLayerNames, TimeDistributed } from "@kerno/layers";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";
import { Sequential } from "./sequential.ts";
import type { SymbolicTensor } from "@kerno/layers";

Deno.test("a nested model's weights follow Keras 3: per layer, trainable then not", () => {
  resetLayerNames();
  const block = new Sequential(
    [Input({ shape: [3] }), new BatchNormalization(), new Dense(2)],
    { name: "block" },
  );
  const x = Input({ shape: [3] });
  const model = new Model({ inputs: x, outputs: block.apply(x) as SymbolicTensor });
  assert.deepEqual(model.weights.map((w) => w.path), [
    "block/batch_normalization/gamma",
    "block/batch_normalization/beta",
    "block/batch_normalization/moving_mean",
    "block/batch_normalization/moving_variance",
    "block/dense/kernel",
    "block/dense/bias",
  ]);
  // Legacy HDF5 files store a layer's weights trainable first (Keras's _legacy_weights).
  assert.deepEqual(block.legacyWeights.map((w) => w.name), [
    "gamma",
    "beta",
    "kernel",
    "bias",
    "moving_mean",
    "moving_variance",
  ]);
});

Deno.test("TimeDistributed keeps the paths of a model built before it was wrapped", () => {
  resetLayerNames();
  const head = new Sequential([Input({ shape: [4] }), new Dense(3)], { name: "head" });
  const td = new TimeDistributed(head);
  const x = Input({ shape: [5, 4] });
  new Model({ inputs: x, outputs: td.apply(x) as SymbolicTensor });
  assert.deepEqual(td.weights.map((w) => w.path), ["head/dense/kernel", "head/dense/bias"]);
  const fresh = new TimeDistributed(new Dense(2, { name: "d" }), { name: "td" });
  fresh.build([[null, 5, 4]]);
  assert.deepEqual(fresh.weights.map((w) => w.path), ["td/d/kernel", "td/d/bias"]);
});

Deno.test("a nested model serializes with its own envelope (registered_name, compile_config)", () => {
  resetLayerNames();
  const ei = Input({ shape: [3] });
  const encoder = new Model({
    inputs: ei,
    outputs: new Dense(2).apply(ei) as SymbolicTensor,
    name: "encoder",
  });
  const x = Input({ shape: [3] });
  const model = new Model({ inputs: x, outputs: encoder.apply(x) as SymbolicTensor });
  const layers = JSON.parse(model.toJSON()).config.layers;
  const nested = layers.find((l: { name: string }) => l.name === "encoder");
  assert.equal(nested.class_name, "Functional");
  assert.equal(nested.registered_name, "Functional");
  assert.deepEqual(nested.compile_config, {});
  assert.equal(nested.module, "keras.src.models.functional");
});
