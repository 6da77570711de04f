import assert from "node:assert/strict";
import type { Runner } from "./runner.ts";
import { median, timeInRounds, Timer } from "./timing.ts";

/** A runner that counts its runs and returns the run's number. */
function counting(label = "counter"): Runner & { runs: number } {
  const r = {
    label,
    threads: 1,
    runs: 0,
    run: () => Promise.resolve([++r.runs]),
    dispose: () => Promise.resolve(),
  };
  return r;
}

Deno.test("Timer.warm makes every warm-up run and keeps the first output", async () => {
  const r = counting();
  const t = new Timer(r, { warmup: 7, timed: 3 });
  await t.warm();
  assert.equal(r.runs, 7);
  assert.deepEqual(t.result().output, [1]);
});

Deno.test("Timer.warm keeps running until warmupMs have passed", async () => {
  const r = counting();
  const t = new Timer(r, { warmup: 1, warmupMs: 20, timed: 1 });
  const start = performance.now();
  await t.warm();
  assert.ok(performance.now() - start >= 20);
  assert.ok(r.runs > 1, `expected more than one run in 20 ms, made ${r.runs}`);
});

Deno.test("timeInRounds makes each timer's timed runs in bursts", async () => {
  const a = counting("a"), b = counting("b");
  const ta = new Timer(a, { warmup: 2, timed: 5, burst: 2 });
  const tb = new Timer(b, { warmup: 0, timed: 3 });
  await timeInRounds([ta, tb], 0);
  assert.equal(a.runs, 7);
  assert.equal(b.runs, 3);
  assert.equal(ta.result().ms.length, 5);
  assert.equal(tb.result().ms.length, 3);
  assert.deepEqual(tb.result().output, [1]);
});

Deno.test("median of ascending values", () => {
  assert.equal(median([1, 2, 9]), 2);
  assert.equal(median([1, 2, 4, 9]), 3);
  assert.ok(Number.isNaN(median([])));
});
