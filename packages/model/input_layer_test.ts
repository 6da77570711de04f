import assert from "node:assert/strict";
import { deserializeLayer, resetLayerNames, serializeLayer } from "@kerno/layers";
import { tensor } from "@kerno/tensor";
import { Input, InputLayer, inputLayerFromConfig } from "./input_layer.ts";

Deno.test("Input gives a symbolic tensor with the batch dimension first", () => {
  resetLayerNames();
  const x = Input({ shape: [null, 3] });
  assert.deepEqual(x.shape, [null, null, 3]);
  assert.equal(x.dtype, "float32");
  assert.equal(x.node.layer.name, "input_layer");
  assert.deepEqual(x.history, ["input_layer", 0, 0]);
  const y = Input({ shape: [6], batchSize: 4, dtype: "int32" });
  assert.deepEqual(y.shape, [4, 6]);
  assert.equal(y.dtype, "int32");
  assert.equal(y.node.layer.name, "input_layer_1");
});

Deno.test("Input refuses bad shapes", () => {
  assert.throws(() => Input({} as never), /must pass a `shape` argument/);
  assert.throws(() => Input({ shape: [5, -1] }), /dimension 1 of shape must be a non-negative/);
  assert.throws(
    () => Input({ shape: [5], batchShape: [null, 5] }),
    /cannot pass both `shape` and `batchShape`/,
  );
  assert.throws(() => Input({ shape: [5], batchSize: 0 }), /batchSize must be a positive integer/);
});

Deno.test("InputLayer config is Keras 3's", () => {
  const layer = new InputLayer({ shape: [5, 3], name: "in" });
  assert.deepEqual(serializeLayer(layer), {
    module: "keras.layers",
    class_name: "InputLayer",
    config: {
      batch_shape: [null, 5, 3],
      dtype: "float32",
      sparse: false,
      ragged: false,
      name: "in",
      optional: false,
    },
    registered_name: null,
  });
});

Deno.test("InputLayer passes its input through", () => {
  const layer = new InputLayer({ shape: [2] });
  const t = tensor([[1, 2]]);
  assert.equal(layer.call([t])[0], t);
  assert.deepEqual(layer.computeOutputShape(), [[null, 2]]);
});

Deno.test("inputLayerFromConfig reads Keras 3 and Keras 2 configs", () => {
  const k3 = deserializeLayer({
    class_name: "InputLayer",
    config: {
      batch_shape: [2, 5, 3],
      dtype: "int32",
      sparse: false,
      ragged: false,
      name: "tokens",
      optional: false,
    },
  }) as InputLayer;
  assert.ok(k3 instanceof InputLayer);
  assert.deepEqual(k3.batchShape, [2, 5, 3]);
  assert.equal(k3.dtype, "int32");
  assert.equal(k3.name, "tokens");
  const notes: string[] = [];
  const k2 = inputLayerFromConfig({
    batch_input_shape: [null, 85],
    dtype: "int64",
    sparse: false,
    name: "input_1",
  }, { notes });
  assert.deepEqual(k2.batchShape, [null, 85]);
  assert.equal(k2.dtype, "int32");
  assert.deepEqual(notes, ['InputLayer "input_1": dtype int64 read as int32']);
});

Deno.test("inputLayerFromConfig refuses sparse inputs and unknown keys", () => {
  assert.throws(
    () => inputLayerFromConfig({ batch_shape: [null, 3], sparse: true, name: "s" }),
    /InputLayer "s": sparse=true is not supported/,
  );
  assert.throws(
    () => inputLayerFromConfig({ batch_shape: [null, 3], name: "s", foo: 1 }),
    /unsupported argument "foo"/,
  );
});
