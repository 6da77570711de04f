import assert from "node:assert/strict";
import { Constant, Zeros } from "./constant.ts";
import { getInitializer, initializerNames, serializeInitializer } from "./get.ts";
import { Orthogonal } from "./orthogonal.ts";
import { RandomUniform } from "./random.ts";
import { GlorotUniform, VarianceScaling } from "./variance_scaling.ts";

Deno.test("getInitializer resolves Keras names and aliases", () => {
  assert.ok(getInitializer("glorot_uniform") instanceof GlorotUniform);
  assert.ok(getInitializer("GlorotUniform") instanceof GlorotUniform);
  assert.ok(getInitializer("zeros") instanceof Zeros);
  assert.ok(getInitializer("zero") instanceof Zeros);
  assert.ok(getInitializer("orthogonal") instanceof Orthogonal);
  assert.ok(getInitializer("uniform") instanceof RandomUniform);
  assert.equal(getInitializer("he_normal").className, "HeNormal");
  assert.equal(getInitializer("lecun_uniform").className, "LecunUniform");
  assert.equal(getInitializer("truncated_normal").className, "TruncatedNormal");
  assert.equal(getInitializer("identity").className, "Identity");
  assert.equal(getInitializer("ones").className, "Ones");
});

Deno.test("getInitializer returns an initializer instance unchanged", () => {
  const c = new Constant(3);
  assert.equal(getInitializer(c), c);
});

Deno.test("getInitializer round-trips the fixtures' initializer configs", () => {
  const fixtures = [
    {
      module: "keras.initializers",
      class_name: "GlorotUniform",
      config: { seed: null, input_axes: null, output_axes: null },
      registered_name: null,
    },
    {
      module: "keras.initializers",
      class_name: "Orthogonal",
      config: { seed: null, gain: 1.0 },
      registered_name: null,
    },
    { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null },
    {
      module: "keras.initializers",
      class_name: "Constant",
      config: { value: 0.1 },
      registered_name: null,
    },
    {
      module: "keras.initializers",
      class_name: "RandomUniform",
      config: { seed: null, minval: -0.05, maxval: 0.05 },
      registered_name: null,
    },
  ];
  for (const f of fixtures) {
    assert.equal(JSON.stringify(serializeInitializer(getInitializer(f))), JSON.stringify(f));
  }
});

Deno.test("getInitializer reads Keras 2 configs (no module, legacy keys)", () => {
  const v = getInitializer({
    class_name: "VarianceScaling",
    config: { scale: 1.0, mode: "fan_avg", distribution: "uniform", seed: null },
  });
  assert.ok(v instanceof VarianceScaling);
  assert.equal(v.mode, "fan_avg");
  const g = getInitializer({ class_name: "GlorotUniform", config: { seed: null } });
  assert.deepEqual(g.getConfig(), { seed: null, input_axes: null, output_axes: null });
  const u = getInitializer({
    class_name: "RandomUniform",
    config: { minval: -0.05, maxval: 0.05, seed: null, dtype: "float32" },
  });
  assert.deepEqual(u.getConfig(), { seed: null, minval: -0.05, maxval: 0.05 });
  const n = getInitializer({
    class_name: "VarianceScaling",
    config: { scale: 2, mode: "fan_in", distribution: "normal", seed: 3 },
  }) as VarianceScaling;
  assert.equal(n.distribution, "truncated_normal");
});

Deno.test("getInitializer uses the seed argument only when the config has none", () => {
  const a = getInitializer("random_uniform", 5).generate([4]);
  assert.deepEqual(a, new RandomUniform({ seed: 5 }).generate([4]));
  const b = getInitializer({ class_name: "RandomUniform", config: { seed: 6 } }, 5).generate([4]);
  assert.deepEqual(b, new RandomUniform({ seed: 6 }).generate([4]));
  assert.equal(getInitializer("glorot_uniform", 5).getConfig().seed, null);
});

Deno.test("getInitializer refuses unknown classes and unknown keys by name", () => {
  assert.throws(
    () => getInitializer("xavier"),
    (e: Error) =>
      e instanceof TypeError && /Unknown initializer "xavier"/.test(e.message) &&
      e.message.includes("glorot_uniform"),
  );
  assert.throws(
    () => getInitializer({ class_name: "Zeros", config: { fill: 1 } }),
    /Initializer Zeros: unsupported argument "fill" = 1/,
  );
  assert.throws(
    () => getInitializer({ class_name: "RandomNormal", config: { stddev: "big" } }),
    /Initializer RandomNormal, config key "stddev": expected a number, received "big"/,
  );
  assert.throws(
    () => getInitializer({ class_name: "GlorotUniform", config: { seed: 1.5 } }),
    /config key "seed": expected an integer or null, received 1.5/,
  );
  assert.throws(() => getInitializer(42 as unknown as string), /Expected an initializer name/);
});

Deno.test("initializerNames lists classes and aliases", () => {
  const names = initializerNames();
  for (const n of ["GlorotUniform", "glorot_uniform", "Orthogonal", "orthogonal", "zeros"]) {
    assert.ok(names.includes(n), n);
  }
});

Deno.test("serializeInitializer writes the Keras 3 envelope", () => {
  assert.deepEqual(serializeInitializer(new Orthogonal({ gain: 2 })), {
    module: "keras.initializers",
    class_name: "Orthogonal",
    config: { seed: null, gain: 2 },
    registered_name: null,
  });
});
