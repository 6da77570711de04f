import assert from "node:assert/strict";
import { compareValues, formatDiff, sameShape, TOLERANCE, unravelIndex } from "./compare.ts";

Deno.test("compareValues() applies |got - want| <= 1e-5 + 1e-5*|want|", () => {
  assert.deepEqual(TOLERANCE, { atol: 1e-5, rtol: 1e-5 });
  const ok = compareValues([1.000019, 0], [1, 0.000009]);
  assert.equal(ok.ok, true);
  assert.ok(Math.abs(ok.maxAbsDiff - 1.9e-5) < 1e-7);
  const bad = compareValues([1.0000215, 0, 5], [1, 0, 5]);
  assert.deepEqual([bad.ok, bad.firstFailure, bad.failures], [false, 0, 1]);
});

Deno.test("compareValues() fails on NaN and on a length mismatch", () => {
  const nan = compareValues([NaN, 1], [0, 1]);
  assert.deepEqual([nan.ok, nan.maxAbsDiff, nan.firstFailure], [false, Infinity, 0]);
  const short = compareValues([1], [1, 2]);
  assert.deepEqual([short.ok, short.maxAbsDiff], [false, Infinity]);
});

Deno.test("unravelIndex() gives the row-major multi-index", () => {
  assert.deepEqual(unravelIndex(0, [2, 3, 4]), [0, 0, 0]);
  assert.deepEqual(unravelIndex(23, [2, 3, 4]), [1, 2, 3]);
  assert.deepEqual(unravelIndex(5, [2, 3]), [1, 2]);
});

Deno.test("sameShape() and formatDiff() format report values", () => {
  assert.equal(sameShape([2, 5, 4], [2, 5, 4]), true);
  assert.equal(sameShape([2, 5], [2, 5, 1]), false);
  assert.equal(formatDiff(0), "0");
  assert.equal(formatDiff(3.14159e-7), "3.14e-7");
  assert.equal(formatDiff(Infinity), "Infinity");
});
