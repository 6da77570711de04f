import assert from "node:assert/strict";
import { activationNames, getActivation, relu } from "./activations.ts";

/** Applies activation `name` to `xs` (one row) and returns the float32 results. */
function apply(name: string, xs: number[], lastDim = xs.length): number[] {
  const x = new Float32Array(xs);
  getActivation(name)(x, 0, x.length, lastDim);
  return Array.from(x);
}

/** Hand values carry 7 significant digits; float32 rounding adds up to 6e-8 relative. */
function assertNear(got: number[], want: number[]): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    assert.ok(
      Math.abs(g - want[i]) <= 1.5e-7 * Math.max(1, Math.abs(want[i])),
      `index ${i}: got ${g}, want ${want[i]}`,
    );
  });
}

// Hand values, computed from the Keras 3 definitions.
const CASES: [string, number[], number[]][] = [
  ["linear", [-2, 0.5], [-2, 0.5]],
  ["tanh", [0, 1, -1], [0, 0.7615942, -0.7615942]],
  ["sigmoid", [0, 1, -1, 100], [0.5, 0.7310586, 0.2689414, 1]],
  ["hard_sigmoid", [3, 1, 0, -3, -1], [1, 0.6666667, 0.5, 0, 0.3333333]],
  ["hard_sigmoid_keras2", [1, 0, -3, 2.5, -1], [0.7, 0.5, 0, 1, 0.3]],
  ["relu", [-1, 0, 2], [0, 0, 2]],
  ["relu6", [-1, 3, 7], [0, 3, 6]],
  ["leaky_relu", [-1, 2], [-0.2, 2]],
  ["elu", [-1, 0, 2], [-0.6321206, 0, 2]],
  ["selu", [-1, 1, 0], [-1.1113307, 1.050701, 0]],
  ["softplus", [0, 1, 100, -20], [0.6931472, 1.3132617, 100, 2.0611537e-9]],
  ["softsign", [1, -3], [0.5, -0.75]],
  ["swish", [1, -1], [0.7310586, -0.2689414]],
  ["silu", [1, 0], [0.7310586, 0]],
  ["hard_silu", [1, -4, 4], [0.6666667, 0, 4]],
  ["hard_swish", [1], [0.6666667]],
  ["gelu", [1, -1, 0, 3], [0.8413447, -0.1586553, 0, 2.9959502]],
  ["gelu_approximate", [1, -1], [0.841192, -0.158808]],
  ["exponential", [0, 1], [1, 2.7182817]],
  ["mish", [1, -1, 0], [0.8650984, -0.3034015, 0]],
  ["celu", [-1, 2], [-0.6321206, 2]],
  ["hard_tanh", [2, -0.5, -3], [1, -0.5, -1]],
  ["log_sigmoid", [0, 1], [-0.6931472, -0.3132617]],
  ["tanh_shrink", [1], [0.2384058]],
  ["squareplus", [0, 1], [1, 1.618034]],
  ["soft_shrink", [1, 0.2, -1], [0.5, 0, -0.5]],
  ["hard_shrink", [0.4, -0.6], [0, -0.6]],
  ["sparse_plus", [0, -2, 2], [0.25, 0, 2]],
];

Deno.test("getActivation computes hand-checked values for every named activation", () => {
  for (const [name, xs, want] of CASES) assertNear(apply(name, xs), want);
  const covered = new Set(CASES.map((c) => c[0]).concat(["softmax", "log_softmax"]));
  assert.deepEqual(activationNames().filter((n) => !covered.has(n)), []);
});

Deno.test("getActivation softmax normalises each row of lastDim, max-subtracted", () => {
  const got = apply("softmax", [1, 2, 3, 1000, 1000, 1000], 3);
  assertNear(got, [0.0900306, 0.2447285, 0.665241, 1 / 3, 1 / 3, 1 / 3]);
  assertNear([got[0] + got[1] + got[2], got[3] + got[4] + got[5]], [1, 1]);
});

Deno.test("getActivation log_softmax is x - max - log(sum(exp(x - max))) per row", () => {
  assertNear(apply("log_softmax", [1, 2, 3, 0, 0, 0], 3), [
    -2.407606,
    -1.407606,
    -0.407606,
    -1.0986123,
    -1.0986123,
    -1.0986123,
  ]);
  assert.throws(() => apply("softmax", [1, 2, 3], 2), {
    name: "RangeError",
    message: "softmax: the length 3 must be a multiple of a positive lastDim, received lastDim 2",
  });
});

Deno.test("getActivation touches only x[offset, offset + length)", () => {
  const x = new Float32Array([-1, -1, -1, -1]);
  getActivation("relu")(x, 1, 2, 2);
  assert.deepEqual(Array.from(x), [-1, 0, 0, -1]);
});

Deno.test("getActivation refuses an unknown name and lists the known ones", () => {
  assert.throws(() => getActivation("swishy"), {
    name: "RangeError",
    message: `Unknown activation "swishy". Known activations: ${activationNames().join(", ")}`,
  });
  assert.throws(() => getActivation("toString"), RangeError);
});

Deno.test("activationNames lists the Keras names, sorted", () => {
  const names = activationNames();
  assert.deepEqual(names, [...names].sort());
  for (const n of ["gelu", "hard_sigmoid", "hard_sigmoid_keras2", "log_softmax", "mish", "selu"]) {
    assert.ok(names.includes(n), n);
  }
});

Deno.test("relu applies Keras's negative_slope, max_value and threshold", () => {
  const run = (xs: number[], o: Parameters<typeof relu>[3]) => {
    const x = new Float32Array(xs);
    relu(x, 0, x.length, o);
    return Array.from(x);
  };
  assert.deepEqual(run([-2, 1, 8], {}), [0, 1, 8]);
  assert.deepEqual(run([-2, 1, 8], { negativeSlope: 0.5, maxValue: 6 }), [-1, 1, 6]);
  // threshold 1: x > 1 keeps x, else 0; slope applies to (threshold - x).
  assert.deepEqual(run([0.5, 1, 3], { threshold: 1 }), [0, 0, 3]);
  assert.deepEqual(run([0, 3], { threshold: 1, negativeSlope: 0.5 }), [-0.5, 3]);
  assert.deepEqual(run([-1, 5], { maxValue: null }), [0, 5]);
  assert.ok(Number.isNaN(run([NaN], {})[0]));
  assert.throws(() => run([1], { maxValue: -1 }), {
    name: "RangeError",
    message: "relu: maxValue must be >= 0 or null, received -1",
  });
});
