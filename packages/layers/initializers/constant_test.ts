import assert from "node:assert/strict";
import { Constant, Identity, Ones, Zeros } from "./constant.ts";

Deno.test("Zeros and Ones fill the whole shape", () => {
  assert.deepEqual([...new Zeros().generate([2, 3])], [0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...new Ones().generate([2, 2])], [1, 1, 1, 1]);
  assert.deepEqual(new Zeros().getConfig(), {});
  assert.deepEqual(new Ones().getConfig(), {});
});

Deno.test("Constant fills float32(value) and keeps value in its config", () => {
  const c = new Constant(0.1);
  assert.deepEqual([...c.generate([3])], [Math.fround(0.1), Math.fround(0.1), Math.fround(0.1)]);
  assert.deepEqual(c.getConfig(), { value: 0.1 });
  assert.deepEqual(new Constant().getConfig(), { value: 0 });
});

Deno.test("Identity puts gain on the diagonal, rectangular shapes included", () => {
  assert.deepEqual([...new Identity(2).generate([2, 2])], [2, 0, 0, 2]);
  assert.deepEqual([...new Identity().generate([2, 3])], [1, 0, 0, 0, 1, 0]);
  assert.deepEqual(new Identity(0.5).getConfig(), { gain: 0.5 });
  assert.throws(() => new Identity().generate([4]), /must be 2D, received shape \[4\]/);
});
