import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D } from "./pooling.ts";
import { GlobalAveragePooling2D } from "./global_average_pooling2d.ts";
import { fixtureLayers } from "./_fixture_test_util.ts";

const x1 = tensor([[[1, -1], [3, -3], [2, -2], [0, 5], [7, 1]]]); // (1, 5, 2)

Deno.test("MaxPooling1D takes the max of each window; strides default to the pool size", () => {
  const y = new MaxPooling1D(2).apply(x1) as Tensor;
  assert.deepEqual(y.shape, [1, 2, 2]);
  assert.deepEqual([...y.f32], [3, -1, 2, 5]);
  const same = new MaxPooling1D(2, { padding: "same" }).apply(x1) as Tensor;
  assert.deepEqual([...same.f32], [3, -1, 2, 5, 7, 1]);
  const strided = new MaxPooling1D(3, { strides: 1 }).apply(x1) as Tensor;
  assert.deepEqual([...strided.f32], [3, -1, 3, 5, 7, 5]);
});

Deno.test("AveragePooling1D with same padding averages the steps inside the input", () => {
  const y = new AveragePooling1D(2, { padding: "same" }).apply(x1) as Tensor;
  assert.deepEqual([...y.f32], [2, -2, 1, 1.5, 7, 1]);
});

Deno.test("MaxPooling2D and AveragePooling2D pool 2×2 windows per channel", () => {
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
  assert.deepEqual([...(new MaxPooling2D(2).apply(x) as Tensor).f32], [6, 8, 14, 16]);
  assert.deepEqual([...(new AveragePooling2D(2).apply(x) as Tensor).f32], [3.5, 5.5, 11.5, 13.5]);
  const y = new AveragePooling2D(3, { padding: "same", strides: 2 }).apply(x) as Tensor;
  // padding 1 after each axis: windows rows/cols [0, 3) and [2, 4) (cut by the padding)
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assert.deepEqual([...y.f32], [54 / 9, 45 / 6, 72 / 6, 54 / 4]);
});

Deno.test("GlobalAveragePooling2D averages rows and columns, with keepdims", () => {
  const x = tensor([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
  assert.deepEqual([...(new GlobalAveragePooling2D().apply(x) as Tensor).f32], [2.5, 25]);
  const kept = new GlobalAveragePooling2D({ keepdims: true }).apply(x) as Tensor;
  assert.deepEqual(kept.shape, [1, 1, 1, 2]);
  const layer = GlobalAveragePooling2D.fromConfig({ name: "g", keepdims: true });
  assert.deepEqual(serializeLayer(layer).config, {
    name: "g",
    trainable: true,
    dtype: serializeLayer(layer).config.dtype,
    data_format: "channels_last",
    keepdims: true,
  });
});

Deno.test("pooling configs round-trip without build_config, as Keras writes them", () => {
  const cases: [string, string][] = [
    ["pool1d_same_strides", "MaxPooling1D"],
    ["pool1d_same_strides", "AveragePooling1D"],
    ["pool1d_valid_strides", "MaxPooling1D"],
    ["cnn_lstm_same_stride_avgpool", "AveragePooling1D"],
    ["td_conv2d_lstm", "MaxPooling2D"],
    ["td_conv2d_same_avgpool", "AveragePooling2D"],
  ];
  for (const [name, cls] of cases) {
    const found = fixtureLayers(name, cls);
    assert.ok(found.length > 0, `${name} has a ${cls}`);
    for (const { entry } of found) {
      const layer = deserializeLayer(entry);
      layer.build([[null, 12, 12, 3].slice(0, cls.endsWith("2D") ? 4 : 3)]);
      assert.equal(JSON.stringify(serializeLayer(layer)), JSON.stringify(entry), `${name} ${cls}`);
    }
  }
  assert.throws(
    () => new MaxPooling1D(2, { padding: "causal" }),
    /the `padding` argument must be 'valid' or 'same'/,
  );
  assert.throws(
    () => new MaxPooling1D(4).apply(tensor([[[1], [2]]])),
    /input shape \(1, 2, 1\) is too short for pool_size \(4\)/,
  );
});
