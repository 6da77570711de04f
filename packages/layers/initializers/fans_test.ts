import assert from "node:assert/strict";
import { computeFans } from "./fans.ts";

Deno.test("computeFans follows Keras for ranks 0 to 4", () => {
  assert.deepEqual(computeFans([]), [1, 1]);
  assert.deepEqual(computeFans([5]), [5, 5]);
  assert.deepEqual(computeFans([3, 8]), [3, 8]);
  assert.deepEqual(computeFans([2, 3, 8]), [6, 16]);
  assert.deepEqual(computeFans([2, 2, 3, 8]), [12, 32]);
});

Deno.test("computeFans multiplies the dimensions at explicit axes", () => {
  assert.deepEqual(computeFans([4, 2, 8], [0], [1, 2]), [4, 16]);
  assert.deepEqual(computeFans([4, 2, 8], [-3, -2], null), [8, 32]);
  assert.throws(
    () => computeFans([4, 2], [2], null),
    /input_axes: axis 2 is out of range for a weight of shape \[4, 2\]/,
  );
});
