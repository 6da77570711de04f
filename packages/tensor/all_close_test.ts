import assert from "node:assert/strict";
import { allClose, compareClose } from "./all_close.ts";
import { tensor } from "./tensor.ts";

Deno.test("compareClose passes within atol + rtol·|want| and reports the largest difference", () => {
  const r = compareClose([1, 100.0009], [1, 100], { atol: 1e-5, rtol: 1e-5 });
  assert.equal(r.ok, true);
  assert.equal(r.firstFailure, null);
  assert.ok(Math.abs(r.maxAbsDiff - 0.0009) < 1e-9);
});

Deno.test("compareClose reports the first element out of tolerance", () => {
  const r = compareClose([1, 2.1, 3, 5], [1, 2, 3, 4], { atol: 1e-3, rtol: 0 });
  assert.equal(r.ok, false);
  assert.equal(r.firstFailure, 1);
  assert.equal(r.maxAbsDiff, 1);
});

Deno.test("compareClose treats NaN as a failure and equal infinities as equal", () => {
  assert.deepEqual(compareClose([NaN], [1]), { ok: false, maxAbsDiff: Infinity, firstFailure: 0 });
  assert.deepEqual(compareClose([Infinity], [Infinity]), {
    ok: true,
    maxAbsDiff: 0,
    firstFailure: null,
  });
  assert.equal(compareClose([1], [Infinity]).ok, false);
});

Deno.test("allClose returns a boolean, so it can stand in an if", () => {
  assert.equal(allClose([1, 100.0009], [1, 100]), true);
  assert.equal(allClose([1, 2.1], [1, 2]), false);
  assert.equal(allClose([NaN], [NaN]), false);
  assert.equal(allClose(tensor([[1, 2]]), tensor([[1, 2.00001]]), { atol: 0, rtol: 0 }), false);
});

Deno.test("compareClose compares tensors and refuses different shapes or lengths", () => {
  assert.equal(compareClose(tensor([[1, 2]]), tensor([[1, 2]])).ok, true);
  assert.throws(() => allClose(tensor([[1, 2]]), tensor([1, 2])), {
    name: "TypeError",
    message: "allClose: shapes differ: (1, 2) vs (2,)",
  });
  assert.throws(() => compareClose([1, 2], [1]), {
    name: "TypeError",
    message: "allClose: lengths differ: 2 vs 1",
  });
});
