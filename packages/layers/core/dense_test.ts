import assert from "node:assert/strict";
import { compareClose, type Tensor, tensor } from "@kerno/tensor";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import { Dense } from "./dense.ts";
import "../activation_layers/mod.ts"; // registers LeakyReLU and PReLU for the layer-object activations

const FIXTURES = new URL("../../../tests/fixtures/keras/", import.meta.url);

function dense2x3(options: ConstructorParameters<typeof Dense>[1] = {}): Dense {
  const d = new Dense(2, options);
  d.build([[null, 3]]);
  // kernel (3, 2), bias (2)
  d.setWeights([tensor([[1, 2], [3, 4], [5, 6]]), tensor([0.5, -1])]);
  return d;
}

Deno.test("Dense computes x·kernel + bias on a 2D input", () => {
  const y = dense2x3().apply(tensor([[1, 0, -1], [0.5, 1, 2]])) as Tensor;
  // [1,0,-1]: [1-5, 2-6] + [0.5,-1] = [-3.5, -5]; [0.5,1,2]: [0.5+3+10, 1+4+12] + b = [14, 16]
  assert.deepEqual(y.shape, [2, 2]);
  assert.deepEqual([...y.f32], [-3.5, -5, 14, 16]);
});

Deno.test("Dense applies its activation", () => {
  const y = dense2x3({ activation: "relu" }).apply(tensor([[1, 0, -1]])) as Tensor;
  assert.deepEqual([...y.f32], [0, 0]);
});

Deno.test("Dense projects every timestep of a 3D input", () => {
  const y = dense2x3().apply(tensor([[[1, 0, -1], [0.5, 1, 2]], [[0, 0, 0], [1, 1, 1]]])) as Tensor;
  assert.deepEqual(y.shape, [2, 2, 2]);
  assert.deepEqual([...y.f32], [-3.5, -5, 14, 16, 0.5, -1, 9.5, 11]);
});

Deno.test("Dense without bias has only a kernel", () => {
  const d = new Dense(4, { useBias: false });
  d.build([[null, 3]]);
  assert.deepEqual(d.weights.map((w) => [w.path, w.shape]), [[`${d.name}/kernel`, [3, 4]]]);
  assert.equal(d.countParams(), 12);
});

Deno.test("Dense(2) after SimpleRNN(128) has 258 parameters", () => {
  const d = new Dense(2);
  d.build([[null, 128]]);
  assert.equal(d.countParams(), 258);
  assert.deepEqual(d.weights.map((w) => w.shape), [[128, 2], [2]]);
});

Deno.test("Dense matches Keras on the activation fixtures (Dense(4) on (2, 5, 3))", async () => {
  const names = [
    "elu",
    "exponential",
    "gelu",
    "hard_sigmoid",
    "linear",
    "relu",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "swish",
    "tanh",
  ];
  for (const name of names) {
    const c = JSON.parse(
      await Deno.readTextFile(new URL(`activation_${name}/case.json`, FIXTURES)),
    );
    const entry = c.model_config.config.layers.find((l: { class_name: string }) =>
      l.class_name === "Dense"
    );
    const dense = deserializeLayer(entry) as Dense;
    dense.build([[null, 5, 3]]);
    const w = (n: string) => c.weights.find((x: { name: string }) => x.name === n);
    dense.setWeights([
      tensor(w("dense/kernel").data, w("dense/kernel").shape),
      tensor(w("dense/bias").data, w("dense/bias").shape),
    ]);
    const x = tensor(c.inputs[0].data, c.inputs[0].shape);
    const y = dense.apply(x) as Tensor;
    const want = c.outputs[0];
    assert.deepEqual(y.shape, want.shape);
    const r = compareClose(y, want.data, { atol: 1e-5, rtol: 1e-5 });
    assert.ok(r.ok, `activation ${name}: max |diff| ${r.maxAbsDiff}`);
  }
});

Deno.test("Dense config equals the one Keras writes (odd_dense3d_u9)", async () => {
  const c = JSON.parse(await Deno.readTextFile(new URL("odd_dense3d_u9/case.json", FIXTURES)));
  const entry = c.model_config.config.layers.find((l: { class_name: string }) =>
    l.class_name === "Dense"
  );
  const d = deserializeLayer(entry) as Dense;
  d.build([[null, 7, 10]]);
  assert.equal(JSON.stringify(serializeLayer(d)), JSON.stringify(entry));
  assert.equal(d.countParams(), 99);
});

Deno.test("Dense.fromConfig reads a Keras 2 config", () => {
  // Keras 2.0.4 (aind_gru_timedistributed): no module, string-less dtype, activity_regularizer.
  const d = Dense.fromConfig({
    name: "dense_2",
    trainable: true,
    units: 344,
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
  });
  assert.equal(d.name, "dense_2");
  assert.equal(d.units, 344);
  assert.equal(d.activation.name, "softmax");
  assert.equal(d.kernelInitializer.className, "VarianceScaling");
  assert.equal("activity_regularizer" in d.getConfig(), false);
});

Deno.test("Dense keeps training-only arguments in its config", () => {
  const l2 = { module: "keras.regularizers", class_name: "L2", config: { l2: 0.01 } };
  const d = new Dense(3, { kernelRegularizer: l2, activityRegularizer: l2 });
  const c = d.getConfig();
  assert.deepEqual(c.kernel_regularizer, l2);
  assert.deepEqual(c.activity_regularizer, l2);
});

Deno.test("Dense refuses bad units, LoRA, unknown keys and a wrong input size", () => {
  assert.throws(() => new Dense(0), /units must be a positive integer, received 0/);
  assert.throws(
    () => Dense.fromConfig({ name: "d", units: 2, lora_rank: 4 }),
    /Dense layer "d": lora_rank=4 is not supported/,
  );
  assert.throws(
    () => Dense.fromConfig({ name: "d", units: 2, kernel_size: 3 }),
    /Dense layer "d": unsupported argument "kernel_size" = 3/,
  );
  assert.throws(
    () => Dense.fromConfig({ name: "d", units: 2, activation: "swishy" }),
    (e: Error) =>
      e instanceof RangeError &&
      e.message.startsWith('Dense layer "d", config key "activation": Unknown activation "swishy"'),
  );
  const d = dense2x3();
  assert.throws(
    () => d.apply(tensor([[1, 2, 3, 4]])),
    /Input 0 of layer "dense(_\d+)?" is incompatible with the layer: expected axis -1 of input shape to have value 3, but received input with shape \(1, 4\)/,
  );
  assert.throws(
    () => new Dense(2).apply(tensor([1, 2, 3])),
    /expected min_ndim=2, found ndim=1/,
  );
});

Deno.test("Dense reads an activation saved as a layer object (Keras 2) and writes it back", () => {
  const notes: string[] = [];
  const dense = Dense.fromConfig({
    name: "dense_1",
    units: 2,
    activation: {
      class_name: "LeakyReLU",
      config: { name: "leaky_re_lu_1", trainable: true, dtype: "float32", alpha: 0.2 },
    },
    use_bias: false,
  }, { notes });
  assert.deepEqual(notes, ['Dense layer "dense_1": activation given as a LeakyReLU layer']);
  dense.build([[null, 1]]);
  dense.setWeights([tensor([[1, -1]])]);
  const y = dense.apply(tensor([[2], [-3]])) as Tensor;
  assert.deepEqual([...y.f32], [
    2,
    Math.fround(Math.fround(0.2) * -2),
    Math.fround(Math.fround(0.2) * -3),
    3,
  ]);
  const written = dense.getConfig().activation as Record<string, unknown>;
  assert.equal(written.class_name, "LeakyReLU");
  assert.equal((written.config as Record<string, unknown>).negative_slope, 0.2);
  assert.equal(Dense.fromConfig(dense.getConfig()).activationLayer?.className, "LeakyReLU");
});

Deno.test("Dense refuses an activation layer that has weights", () => {
  assert.throws(
    () =>
      Dense.fromConfig({
        name: "d",
        units: 2,
        activation: { class_name: "PReLU", config: { name: "p" } },
      }),
    /Dense layer "d": an activation given as a layer must have no weights, but PReLU "p" creates weights when built/,
  );
});
