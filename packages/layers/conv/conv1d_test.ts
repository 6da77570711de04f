import assert from "node:assert/strict";
import { axisPadding, convNaive, Random, type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { Conv1D } from "./conv1d.ts";
import "./pooling.ts";
import { fixtureLayers } from "./_fixture_test_util.ts";

function randomTensor(rng: Random, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

Deno.test("Conv1D computes a causal, dilated convolution with bias", () => {
  const conv = new Conv1D(1, 2, { padding: "causal", dilationRate: 2 });
  conv.build([[null, 4, 1]]);
  conv.setWeights([tensor([[[1]], [[10]]]), tensor([0.5])]);
  // y[t] = x[t-2]·1 + x[t]·10 + 0.5
  const y = conv.apply(tensor([[[1], [2], [3], [4]]])) as Tensor;
  assert.deepEqual(y.shape, [1, 4, 1]);
  assert.deepEqual([...y.f32], [10.5, 20.5, 31.5, 42.5]);
});

Deno.test("Conv1D with groups convolves each channel group with its own filters", () => {
  const conv = new Conv1D(2, 1, { groups: 2, useBias: false });
  conv.build([[null, 2, 2]]);
  // kernel (1, 1, 2): filter 0 reads channel 0 ×3, filter 1 reads channel 1 ×5
  conv.setWeights([tensor([[[3, 5]]])]);
  const y = conv.apply(tensor([[[1, 2], [-1, 4]]])) as Tensor;
  assert.deepEqual([...y.f32], [3, 10, -3, 20]);
});

Deno.test("Conv1D matches the naive convolution over paddings, strides, dilation and groups", () => {
  const rng = new Random(11);
  const settings = [
    { padding: "valid", strides: 1, dilationRate: 1, groups: 1 },
    { padding: "same", strides: 2, dilationRate: 1, groups: 2 },
    { padding: "causal", strides: 1, dilationRate: 3, groups: 1 },
    { padding: "same", strides: 1, dilationRate: 2, groups: 4 },
  ];
  for (const s of settings) {
    const conv = new Conv1D(8, 3, { ...s, activation: "linear" });
    const x = randomTensor(rng, [3, 13, 4]);
    const y = conv.apply(x) as Tensor;
    const [kernel, bias] = conv.getWeights();
    const pad = axisPadding(13, 3, s.strides, s.dilationRate, s.padding as "valid");
    const want = new Float32Array(y.size);
    convNaive(
      {
        batch: 3,
        inSpatial: [13],
        inChannels: 4,
        kernelSpatial: [3],
        filters: 8,
        groups: s.groups,
        strides: [s.strides],
        dilation: [s.dilationRate],
        padBefore: [pad.before],
        outSpatial: [pad.out!],
      },
      x.f32,
      0,
      kernel.f32,
      0,
      bias.f32,
      want,
      0,
    );
    assert.deepEqual(y.shape, [3, pad.out, 8]);
    y.f32.forEach((v, i) =>
      assert.ok(Math.abs(v - want[i]) <= 1e-6 + 1e-6 * Math.abs(want[i]), JSON.stringify(s))
    );
  }
});

Deno.test("Conv1D gives a row the same bits alone or in a batch", () => {
  const rng = new Random(5);
  const conv = new Conv1D(6, 3, { padding: "same" });
  const x = randomTensor(rng, [5, 20, 3]);
  const all = conv.apply(x) as Tensor;
  const row = conv.apply(tensor([...x.f32.subarray(2 * 60, 3 * 60)], [1, 20, 3])) as Tensor;
  assert.deepEqual([...row.f32], [...all.f32.subarray(2 * 120, 3 * 120)]);
});

Deno.test("Conv1D configs round-trip with Keras's (kernel, bias) weights", () => {
  for (const name of ["conv1d_groups", "cnn_lstm_causal_dilated", "cnn_lstm_same_stride_avgpool"]) {
    for (const { entry, shapes } of fixtureLayers(name, "Conv1D")) {
      const layer = deserializeLayer(entry) as Conv1D;
      layer.build(shapes!);
      assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(entry), name);
    }
  }
  const [{ entry, shapes }] = fixtureLayers("conv1d_groups", "Conv1D");
  const layer = deserializeLayer(entry) as Conv1D;
  layer.build(shapes!);
  assert.deepEqual(layer.weights.map((w) => [w.path, w.shape]), [
    ["conv1d/kernel", [2, 2, 4]],
    ["conv1d/bias", [4]],
  ]);
  assert.equal(layer.countParams(), 20);
});

Deno.test("Conv1D refuses what Keras refuses, and channels_first", () => {
  assert.throws(
    () => new Conv1D(3, 2, { groups: 2 }),
    /The number of filters must be evenly divisible by the number of groups/,
  );
  assert.throws(
    () => new Conv1D(4, 2, { strides: 2, dilationRate: 2 }),
    /`strides > 1` not supported in conjunction with `dilation_rate > 1`/,
  );
  assert.throws(
    () => new Conv1D(4, 2, { dataFormat: "channels_first" }),
    /data_format="channels_first" is not supported/,
  );
  assert.throws(
    () => new Conv1D(4, 2, { padding: "full" }),
    /the `padding` argument must be 'valid', 'same' or 'causal', received "full"/,
  );
  assert.throws(
    () => new Conv1D(4, 2, { groups: 2 }).build([[null, 5, 3]]),
    /The number of input channels must be evenly divisible by the number of groups/,
  );
  assert.throws(
    () => new Conv1D(4, 5).build([[null, 3, 2]]),
    /computed output size would be negative or zero/,
  );
  assert.throws(
    () => Conv1D.fromConfig({ name: "c", filters: 2, kernel_size: [3], lora_rank: 2 }),
    /Conv1D layer "c": lora_rank=2 is not supported/,
  );
});

Deno.test("Conv1D and MaxPooling1D read Keras 2 configs", () => {
  // tf.keras 2.4 (no groups key, string dtype, Keras 2 initializer objects)
  const conv = deserializeLayer({
    class_name: "Conv1D",
    config: {
      name: "conv1d_1",
      trainable: true,
      batch_input_shape: [null, 20, 3],
      dtype: "float32",
      filters: 8,
      kernel_size: [3],
      strides: [1],
      padding: "causal",
      data_format: "channels_last",
      dilation_rate: [2],
      activation: "relu",
      use_bias: true,
      kernel_initializer: { class_name: "GlorotUniform", config: { seed: null } },
      bias_initializer: { class_name: "Zeros", config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    },
  }) as Conv1D;
  assert.deepEqual([conv.padding, conv.dilationRate, conv.groups], ["causal", [2], 1]);
  assert.deepEqual(conv.batchInputShape, [null, 20, 3]);
  const pool = deserializeLayer({
    class_name: "MaxPooling1D",
    config: {
      name: "max_pooling1d_1",
      trainable: true,
      dtype: "float32",
      strides: [2],
      pool_size: [2],
      padding: "valid",
      data_format: "channels_last",
    },
  });
  const h = conv.apply(tensor(new Array(60).fill(1), [1, 20, 3])) as Tensor;
  const y = pool.apply(h) as Tensor;
  assert.deepEqual(y.shape, [1, 10, 8]);
});
