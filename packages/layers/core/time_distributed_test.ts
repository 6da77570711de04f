import assert from "node:assert/strict";
import { allClose, type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { Dense } from "./dense.ts";
import { TimeDistributed } from "./time_distributed.ts";

Deno.test("TimeDistributed(Dense) equals Dense applied at each timestep", () => {
  const inner = new Dense(3, { activation: "tanh" });
  const td = new TimeDistributed(inner);
  const x = tensor([
    [[0.1, 0.2, 0.3, 0.4], [0.5, -0.6, 0.7, 0.8], [1, 0, -1, 2]],
    [[0, 0, 0, 0], [2, 1, 0, -1], [0.3, 0.3, 0.3, 0.3]],
  ]);
  const y = td.apply(x) as Tensor;
  assert.deepEqual(y.shape, [2, 3, 3]);
  for (let b = 0; b < 2; b++) {
    for (let t = 0; t < 3; t++) {
      const step = tensor(x.f32.slice((b * 3 + t) * 4, (b * 3 + t + 1) * 4), [1, 4]);
      const want = inner.apply(step) as Tensor;
      const got = y.f32.slice((b * 3 + t) * 3, (b * 3 + t + 1) * 3);
      assert.ok(allClose(got, want.f32, { atol: 0, rtol: 0 }), `b=${b} t=${t}`);
    }
  }
});

Deno.test("TimeDistributed owns the inner weights under its name", () => {
  const td = new TimeDistributed(new Dense(3, { name: "dense" }), { name: "time_distributed" });
  td.build([[null, 5, 4]]);
  assert.deepEqual(td.weights.map((w) => w.path), [
    "time_distributed/dense/kernel",
    "time_distributed/dense/bias",
  ]);
  assert.deepEqual(td.children().map(([k, l]) => [k, (l as Dense).name]), [["layer", "dense"]]);
  assert.equal(td.countParams(), 15);
  assert.deepEqual(td.computeOutputShape([[null, 5, 4]], { initialState: null, extraArgs: [] }), [
    [null, 5, 3],
  ]);
});

Deno.test("TimeDistributed passes the mask through", () => {
  const td = new TimeDistributed(new Dense(2));
  const x = tensor([[[1, 2], [3, 4]]]);
  const m = tensor([[1, 0]], undefined, "bool");
  setMaskOf(x, m);
  assert.equal(maskOf(td.apply(x) as Tensor), m);
});

Deno.test("TimeDistributed config equals the fixture's (timedistributed_dense)", async () => {
  const c = JSON.parse(
    await Deno.readTextFile(
      new URL("../../../tests/fixtures/keras/timedistributed_dense/case.json", import.meta.url),
    ),
  );
  const entry = c.model_config.config.layers.find((l: { class_name: string }) =>
    l.class_name === "TimeDistributed"
  );
  const td = deserializeLayer(entry) as TimeDistributed;
  td.build([[null, 5, 4]]);
  assert.equal(JSON.stringify(serializeLayer(td)), JSON.stringify(entry));
});

Deno.test("TimeDistributed reads a Keras 2 nested layer without module", () => {
  const td = deserializeLayer({
    class_name: "TimeDistributed",
    config: {
      name: "time_distributed_1",
      trainable: true,
      layer: {
        class_name: "Dense",
        config: {
          name: "dense_1",
          trainable: true,
          units: 89,
          activation: "softmax",
          use_bias: true,
          kernel_initializer: {
            class_name: "VarianceScaling",
            config: { scale: 1.0, mode: "fan_avg", distribution: "uniform", seed: null },
          },
          bias_initializer: { class_name: "Zeros", config: {} },
          kernel_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
      },
    },
  }) as TimeDistributed;
  assert.equal(td.layer.name, "dense_1");
  assert.equal(td.layer.parent, td);
  td.build([[null, 45, 64]]);
  assert.equal(td.weights[0].path, "time_distributed_1/dense_1/kernel");
});

Deno.test("TimeDistributed refuses inputs below rank 3 and mismatched timesteps", () => {
  const td = new TimeDistributed(new Dense(2));
  assert.throws(() => td.apply(tensor([[1, 2]])), /expected min_ndim=3, found ndim=2/);
  td.apply(tensor([[[1, 2]]]));
  assert.throws(
    () => td.apply(tensor([[[1, 2, 3]]])),
    /each timestep has shape \(1, 3\), but the layer was built for \(1, 2\)/,
  );
});
