import assert from "node:assert/strict";
import { activationNames, keras2HardSigmoidRequested, resolveActivation } from "./activations.ts";

function run(name: string, values: number[], keras2 = false): number[] {
  const x = new Float32Array(values);
  resolveActivation(name, { keras2HardSigmoid: keras2 }).fn(x, 0, x.length, x.length);
  return [...x];
}

Deno.test("resolveActivation maps null and undefined to linear", () => {
  assert.equal(resolveActivation(null).name, "linear");
  assert.equal(resolveActivation(undefined).name, "linear");
  assert.deepEqual(run("linear", [-2, 3]), [-2, 3]);
});

Deno.test("resolveActivation writes Keras 3's names for aliases", () => {
  assert.equal(resolveActivation("swish").name, "silu");
  assert.equal(resolveActivation("hard_swish").name, "hard_silu");
  assert.equal(resolveActivation("tanh").name, "tanh");
});

Deno.test("resolveActivation runs the kernels in place", () => {
  assert.deepEqual(run("relu", [-1, 0, 2]), [0, 0, 2]);
  const t = run("tanh", [0.5]);
  assert.ok(Math.abs(t[0] - Math.tanh(0.5)) < 1e-7);
  const s = run("softmax", [1, 2, 3]);
  const e = [1, 2, 3].map((v) => Math.exp(v));
  const z = e[0] + e[1] + e[2];
  s.forEach((v, i) => assert.ok(Math.abs(v - e[i] / z) < 1e-6));
});

Deno.test("resolveActivation hard_sigmoid follows Keras 3 unless keras2HardSigmoid", () => {
  // Keras 3: clip(x/6 + 0.5); Keras 2: clip(0.2x + 0.5).
  assert.deepEqual(run("hard_sigmoid", [1.5]), [Math.fround(0.75)]);
  assert.deepEqual(run("hard_sigmoid", [1.5], true), [Math.fround(0.8)]);
  assert.equal(resolveActivation("hard_sigmoid", { keras2HardSigmoid: true }).name, "hard_sigmoid");
});

Deno.test("resolveActivation reads serialized function objects", () => {
  const a = resolveActivation({
    module: "keras.activations",
    class_name: "function",
    config: "relu",
  });
  assert.equal(a.name, "relu");
  assert.equal(resolveActivation({ class_name: "sigmoid", config: {} }).name, "sigmoid");
});

Deno.test("resolveActivation refuses unknown names with the supported list", () => {
  assert.throws(
    () => resolveActivation("swishy"),
    (e: Error) =>
      e instanceof RangeError && e.message.startsWith('Unknown activation "swishy"') &&
      e.message.includes("tanh"),
  );
  assert.throws(
    () => resolveActivation({ class_name: "LeakyReLU", config: { negative_slope: 0.2 } }),
    /Activation LeakyReLU with a config .* is not supported/,
  );
  assert.throws(() => resolveActivation(3 as unknown as string), TypeError);
});

Deno.test("activationNames lists every accepted name", () => {
  const names = activationNames();
  assert.equal(names.length, 20);
  assert.ok(names.includes("gelu") && names.includes("swish") && names.includes("mish"));
});

Deno.test("keras2HardSigmoidRequested reads the loader option", () => {
  assert.equal(keras2HardSigmoidRequested({ keras2HardSigmoid: true }), true);
  assert.equal(keras2HardSigmoidRequested({ notes: [] }), false);
  assert.equal(keras2HardSigmoidRequested(undefined), false);
});
