import assert from "node:assert/strict";
import { axisPadding, type ConvGeometry } from "./conv_geometry.ts";
import { conv } from "./conv.ts";
import { convNaive } from "./conv_naive.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

function geometry(
  batch: number,
  inSpatial: number[],
  inChannels: number,
  kernelSpatial: number[],
  filters: number,
  groups: number,
  strides: number[],
  dilation: number[],
  padding: "valid" | "same" | "causal",
): ConvGeometry {
  const axes = inSpatial.map((n, i) =>
    axisPadding(n, kernelSpatial[i], strides[i], dilation[i], padding)
  );
  return {
    batch,
    inSpatial,
    inChannels,
    kernelSpatial,
    filters,
    groups,
    strides,
    dilation,
    padBefore: axes.map((a) => a.before),
    outSpatial: axes.map((a) => a.out!),
  };
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

Deno.test("axisPadding follows Keras's valid, same and causal rules", () => {
  assert.deepEqual(axisPadding(12, 3, 1, 1, "valid"), { out: 10, before: 0 });
  assert.deepEqual(axisPadding(12, 3, 2, 1, "same"), { out: 6, before: 0 });
  assert.deepEqual(axisPadding(6, 2, 2, 1, "same"), { out: 3, before: 0 });
  assert.deepEqual(axisPadding(5, 4, 1, 1, "same"), { out: 5, before: 1 });
  assert.deepEqual(axisPadding(12, 3, 1, 2, "causal"), { out: 12, before: 4 });
  assert.deepEqual(axisPadding(null, 3, 1, 1, "valid"), { out: null, before: 0 });
  assert.deepEqual(axisPadding(2, 3, 1, 1, "valid"), { out: 0, before: 0 });
});

Deno.test("conv computes a 1D cross-correlation with bias", () => {
  const out = new Float32Array(3);
  const g = geometry(1, [4], 1, [2], 1, 1, [1], [1], "valid");
  conv(
    g,
    new Float32Array([1, 2, 3, 4]),
    0,
    new Float32Array([1, 10]),
    0,
    new Float32Array([0.5]),
    out,
    0,
  );
  assert.deepEqual([...out], [21.5, 32.5, 43.5]);
});

Deno.test("conv zero-pads a causal 1D convolution on the left", () => {
  const out = new Float32Array(4);
  const g = geometry(1, [4], 1, [2], 1, 1, [1], [2], "causal");
  // taps at t-2 and t: y[t] = x[t-2]·1 + x[t]·10
  conv(g, new Float32Array([1, 2, 3, 4]), 0, new Float32Array([1, 10]), 0, undefined, out, 0);
  assert.deepEqual([...out], [10, 20, 31, 42]);
});

Deno.test("conv matches convNaive over strides, dilation, padding, groups and 1D/2D", () => {
  const rng = new Random(7);
  const cases: ConvGeometry[] = [
    geometry(2, [12], 4, [3], 6, 1, [1], [1], "valid"),
    geometry(2, [12], 4, [3], 6, 2, [2], [1], "same"),
    geometry(3, [9], 3, [2], 3, 3, [1], [3], "causal"),
    geometry(2, [6, 6], 1, [2, 2], 3, 1, [2, 2], [1, 1], "same"),
    geometry(2, [7, 5], 4, [3, 2], 4, 2, [1, 2], [2, 1], "valid"),
    geometry(1, [5, 5], 2, [3, 3], 8, 1, [1, 1], [1, 1], "same"),
  ];
  for (const g of cases) {
    const x = randomF32(rng, g.batch * size(g.inSpatial) * g.inChannels);
    const k = randomF32(rng, size(g.kernelSpatial) * g.inChannels / g.groups * g.filters);
    const bias = randomF32(rng, g.filters);
    const n = g.batch * size(g.outSpatial) * g.filters;
    const fast = new Float32Array(n);
    const slow = new Float32Array(n);
    conv(g, x, 0, k, 0, bias, fast, 0);
    convNaive(g, x, 0, k, 0, bias, slow, 0);
    for (let i = 0; i < n; i++) {
      assert.ok(
        Math.abs(fast[i] - slow[i]) <= 1e-6 + 1e-6 * Math.abs(slow[i]),
        `${JSON.stringify(g)} [${i}]: ${fast[i]} vs ${slow[i]}`,
      );
    }
  }
});

Deno.test("conv gives a row the same bits whatever the batch around it", () => {
  const rng = new Random(3);
  const g = geometry(5, [40], 8, [3], 16, 1, [1], [1], "same");
  const x = randomF32(rng, 5 * 40 * 8);
  const k = randomF32(rng, 3 * 8 * 16);
  const all = new Float32Array(5 * 40 * 16);
  conv(g, x, 0, k, 0, undefined, all, 0);
  const one = new Float32Array(40 * 16);
  conv({ ...g, batch: 1 }, x, 3 * 40 * 8, k, 0, undefined, one, 0);
  assert.deepEqual([...one], [...all.subarray(3 * 40 * 16, 4 * 40 * 16)]);
});

Deno.test("conv refuses groups that do not divide the channels, and short arrays", () => {
  const g = geometry(1, [4], 3, [2], 4, 2, [1], [1], "valid");
  assert.throws(
    () =>
      conv(g, new Float32Array(12), 0, new Float32Array(64), 0, undefined, new Float32Array(12), 0),
    /conv: groups=2 must divide both the input channels \(3\) and the filters \(4\)/,
  );
  const h = geometry(1, [4], 2, [2], 2, 1, [1], [1], "valid");
  assert.throws(
    () =>
      conv(h, new Float32Array(7), 0, new Float32Array(8), 0, undefined, new Float32Array(6), 0),
    /conv: x needs 8 floats from offset 0, but has length 7/,
  );
});
