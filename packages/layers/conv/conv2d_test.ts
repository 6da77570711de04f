import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { TimeDistributed } from "../core/time_distributed.ts";
import { Conv2D } from "./conv2d.ts";
import { fixtureLayers } from "./_fixture_test_util.ts";

Deno.test("Conv2D sums each 2×2 window (valid padding)", () => {
  const conv = new Conv2D(1, 2, { useBias: false });
  conv.build([[null, 3, 3, 1]]);
  conv.setWeights([tensor([1, 1, 1, 1], [2, 2, 1, 1])]);
  const y = conv.apply(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1])) as Tensor;
  assert.deepEqual(y.shape, [1, 2, 2, 1]);
  assert.deepEqual([...y.f32], [12, 16, 24, 28]);
});

Deno.test("Conv2D with same padding and strides 2 zero-pads after the input", () => {
  const conv = new Conv2D(1, 2, { padding: "same", strides: 2, useBias: false });
  conv.build([[null, 3, 3, 1]]);
  conv.setWeights([tensor([1, 1, 1, 1], [2, 2, 1, 1])]);
  // out 2×2; total padding 1 per axis, all after: windows [0,1]×[0,1], [0,1]×[2], [2]×[0,1], [2]×[2]
  const y = conv.apply(tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1])) as Tensor;
  assert.deepEqual([...y.f32], [12, 9, 15, 9]);
});

Deno.test("TimeDistributed(Conv2D) convolves every frame", () => {
  const td = new TimeDistributed(new Conv2D(3, 3, { activation: "relu" }));
  const y = td.apply(tensor(new Array(2 * 5 * 6 * 6).fill(0.5), [2, 5, 6, 6, 1])) as Tensor;
  assert.deepEqual(y.shape, [2, 5, 4, 4, 3]);
  assert.equal(td.countParams(), 3 * 3 * 1 * 3 + 3);
});

Deno.test("Conv2D configs round-trip (td_conv2d_lstm, td_conv2d_same_avgpool)", () => {
  for (const name of ["td_conv2d_lstm", "td_conv2d_same_avgpool"]) {
    const [{ entry }] = fixtureLayers(name, "Conv2D");
    const layer = deserializeLayer(entry) as Conv2D;
    layer.build([[null, 6, 6, 1]]);
    const { build_config: _b, ...want } = entry;
    const { build_config: _g, ...got } = serializeLayer(layer);
    assert.equal(JSON.stringify(got), JSON.stringify(want), name);
    assert.deepEqual(layer.kernel!.shape, [...layer.kernelSize, 1, layer.filters]);
  }
  assert.throws(
    () => new Conv2D(2, 2, { padding: "causal" }),
    /the `padding` argument must be 'valid' or 'same', received "causal"/,
  );
});
