import assert from "node:assert/strict";
import { RandomNormal, RandomUniform, TruncatedNormal } from "./random.ts";

function stats(a: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0, min = Infinity, max = -Infinity;
  for (const v of a) {
    s += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / a.length;
  let v2 = 0;
  for (const v of a) v2 += (v - mean) ** 2;
  return { mean, std: Math.sqrt(v2 / a.length), min, max };
}

Deno.test("RandomUniform stays in range with the expected mean and spread", () => {
  const a = new RandomUniform({ minval: -1, maxval: 1, seed: 3 }).generate([200, 100]);
  assert.equal(a.length, 20000);
  const s = stats(a);
  assert.ok(s.min >= -1 && s.max < 1, `range [${s.min}, ${s.max}]`);
  assert.ok(Math.abs(s.mean) < 0.02, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std - 1 / Math.sqrt(3)) < 0.01, `std ${s.std}`);
});

Deno.test("RandomNormal has the requested mean and stddev", () => {
  const s = stats(new RandomNormal({ mean: 2, stddev: 0.5, seed: 11 }).generate([20000]));
  assert.ok(Math.abs(s.mean - 2) < 0.02, `mean ${s.mean}`);
  assert.ok(Math.abs(s.std - 0.5) < 0.01, `std ${s.std}`);
});

Deno.test("TruncatedNormal keeps values within two standard deviations", () => {
  const s = stats(new TruncatedNormal({ mean: 0, stddev: 1, seed: 5 }).generate([20000]));
  assert.ok(s.min >= -2 && s.max <= 2, `range [${s.min}, ${s.max}]`);
  // The stddev of a standard normal truncated to [-2, 2] is 0.8796.
  assert.ok(Math.abs(s.std - 0.8796) < 0.015, `std ${s.std}`);
});

Deno.test("RandomUniform with the same seed gives the same values at every call", () => {
  const a = new RandomUniform({ seed: 42 });
  const b = new RandomUniform({ seed: 42 });
  assert.deepEqual(a.generate([4, 5]), b.generate([4, 5]));
  assert.deepEqual(a.generate([4, 5]), a.generate([4, 5]));
  assert.notDeepEqual(a.generate([4, 5]), new RandomUniform({ seed: 43 }).generate([4, 5]));
});

Deno.test("RandomNormal unseeded uses defaultSeed and keeps seed null in its config", () => {
  const a = new RandomNormal({ defaultSeed: 9 });
  const b = new RandomNormal({ seed: 9 });
  assert.deepEqual(a.generate([6]), b.generate([6]));
  assert.deepEqual(a.getConfig(), { seed: null, mean: 0, stddev: 0.05 });
  assert.deepEqual(b.getConfig(), { seed: 9, mean: 0, stddev: 0.05 });
});

Deno.test("RandomUniform config lists seed, minval, maxval in Keras order", () => {
  const c = new RandomUniform({ minval: -0.1, maxval: 0.1 }).getConfig();
  assert.deepEqual(Object.keys(c), ["seed", "minval", "maxval"]);
  assert.deepEqual(c, { seed: null, minval: -0.1, maxval: 0.1 });
});
