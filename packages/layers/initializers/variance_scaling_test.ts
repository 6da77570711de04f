import assert from "node:assert/strict";
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
} from "./variance_scaling.ts";

function std(a: Float32Array): number {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let v2 = 0;
  for (const v of a) v2 += (v - mean) ** 2;
  return Math.sqrt(v2 / a.length);
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

Deno.test("GlorotUniform draws within ±sqrt(6/(fan_in+fan_out))", () => {
  const a = new GlorotUniform({ seed: 1 }).generate([100, 200]);
  const limit = Math.sqrt(6 / 300);
  assert.ok(maxAbs(a) <= limit, `max ${maxAbs(a)} > ${limit}`);
  assert.ok(maxAbs(a) > 0.99 * limit);
  assert.ok(Math.abs(std(a) - limit / Math.sqrt(3)) < 0.002, `std ${std(a)}`);
});

Deno.test("HeUniform and LecunUniform use fan_in", () => {
  const he = new HeUniform({ seed: 2 }).generate([50, 400]);
  assert.ok(maxAbs(he) <= Math.sqrt(6 / 50) && maxAbs(he) > 0.99 * Math.sqrt(6 / 50));
  const le = new LecunUniform({ seed: 2 }).generate([50, 400]);
  assert.ok(maxAbs(le) <= Math.sqrt(3 / 50) && maxAbs(le) > 0.99 * Math.sqrt(3 / 50));
});

Deno.test("GlorotNormal, HeNormal and LecunNormal have the target variance after truncation", () => {
  const cases: [number, Float32Array][] = [
    [Math.sqrt(2 / 300), new GlorotNormal({ seed: 4 }).generate([100, 200])],
    [Math.sqrt(2 / 100), new HeNormal({ seed: 4 }).generate([100, 200])],
    [Math.sqrt(1 / 100), new LecunNormal({ seed: 4 }).generate([100, 200])],
  ];
  for (const [want, a] of cases) {
    assert.ok(Math.abs(std(a) / want - 1) < 0.02, `std ${std(a)} vs ${want}`);
    assert.ok(maxAbs(a) <= (2 * want) / 0.87962566103423978 + 1e-6);
  }
});

Deno.test("VarianceScaling untruncated_normal with fan_out", () => {
  const a = new VarianceScaling({
    scale: 3,
    mode: "fan_out",
    distribution: "untruncated_normal",
    seed: 8,
  }).generate([300, 100]);
  assert.ok(Math.abs(std(a) - Math.sqrt(3 / 100)) < 0.003, `std ${std(a)}`);
});

Deno.test("VarianceScaling reads distribution 'normal' as truncated_normal", () => {
  const v = new VarianceScaling({ distribution: "normal" });
  assert.equal(v.distribution, "truncated_normal");
});

Deno.test("VarianceScaling refuses a bad scale, mode or distribution", () => {
  assert.throws(() => new VarianceScaling({ scale: 0 }), /scale must be a positive number/);
  assert.throws(
    () => new VarianceScaling({ mode: "fan_x" as "fan_in" }),
    /mode must be one of fan_in, fan_out, fan_avg, received "fan_x"/,
  );
  assert.throws(
    () => new VarianceScaling({ distribution: "cauchy" as "uniform" }),
    /distribution must be one of truncated_normal, untruncated_normal, uniform/,
  );
});

Deno.test("VarianceScaling configs match Keras 3 key for key", () => {
  assert.deepEqual(new GlorotUniform().getConfig(), {
    seed: null,
    input_axes: null,
    output_axes: null,
  });
  const v = new VarianceScaling({ scale: 2, mode: "fan_avg", distribution: "uniform", seed: 5 });
  assert.deepEqual(v.getConfig(), {
    seed: 5,
    scale: 2,
    mode: "fan_avg",
    distribution: "uniform",
    input_axes: null,
    output_axes: null,
  });
});

Deno.test("GlorotUniform with the same seed gives the same values", () => {
  assert.deepEqual(
    new GlorotUniform({ seed: 12 }).generate([3, 4]),
    new GlorotUniform({ seed: 12 }).generate([3, 4]),
  );
});
