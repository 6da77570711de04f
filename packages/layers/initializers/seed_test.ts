import assert from "node:assert/strict";
import { nextDefaultSeed, setInitializerSeed } from "./seed.ts";
import { GlorotUniform } from "./variance_scaling.ts";

Deno.test("setInitializerSeed makes unseeded initializers reproducible", () => {
  setInitializerSeed(123);
  const a = [new GlorotUniform().generate([3, 3]), new GlorotUniform().generate([3, 3])];
  setInitializerSeed(123);
  const b = [new GlorotUniform().generate([3, 3]), new GlorotUniform().generate([3, 3])];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a[0], a[1]);
});

Deno.test("nextDefaultSeed returns integers in [0, 2^31)", () => {
  setInitializerSeed(1);
  for (let i = 0; i < 100; i++) {
    const s = nextDefaultSeed();
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  }
  assert.throws(() => setInitializerSeed(1.5), /expected an integer seed, received 1.5/);
});
