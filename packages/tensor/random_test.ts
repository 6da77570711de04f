import assert from "node:assert/strict";
import { Random } from "./random.ts";

Deno.test("Random produces the documented mulberry32 sequence", () => {
  const r = new Random(42);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [
    2581720956,
    1925393290,
    3661312704,
  ]);
  const s = new Random(42);
  assert.equal(s.next(), 2581720956 / 4294967296);
  assert.equal(new Random(0).nextUint32(), 1144304738);
});

Deno.test("Random with the same seed repeats; another seed differs", () => {
  const draw = (seed: number) => {
    const r = new Random(seed);
    return [r.next(), r.uniform(-1, 1), r.normal(0, 1), r.normal(2, 3), r.next()];
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

Deno.test("Random.uniform and Random.normal have the requested range and moments", () => {
  const r = new Random(123);
  let sum = 0, sq = 0, lo = Infinity, hi = -Infinity;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const u = r.uniform(-2, 3);
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
    const z = r.normal(1, 2);
    sum += z;
    sq += (z - 1) * (z - 1);
  }
  assert.ok(lo >= -2 && hi < 3 && lo < -1.99 && hi > 2.99, `${lo} ${hi}`);
  assert.ok(Math.abs(sum / n - 1) < 0.05, `mean ${sum / n}`);
  assert.ok(Math.abs(Math.sqrt(sq / n) - 2) < 0.05, `std ${Math.sqrt(sq / n)}`);
});

Deno.test("Random refuses a non-finite seed", () => {
  assert.throws(() => new Random(NaN), {
    name: "RangeError",
    message: "Random: seed must be a finite number, received NaN",
  });
});
