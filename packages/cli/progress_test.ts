import assert from "node:assert/strict";
import { formatRate, ProgressReporter } from "./progress.ts";

function sink() {
  const out: string[] = [];
  return { out, write: (t: string) => void out.push(t) };
}

Deno.test("ProgressReporter writes one plain line per tenth when not on a terminal", () => {
  const s = sink();
  const p = new ProgressReporter(s, { tty: false, total: 100 });
  for (let done = 5; done <= 100; done += 5) p.update(done);
  p.finish();
  assert.equal(s.out.length, 10);
  assert.equal(s.out[0], "progress: 10/100 rows (10%)\n");
  assert.equal(s.out.at(-1), "progress: 100/100 rows (100%)\n");
});

Deno.test("ProgressReporter redraws a bar in place on a terminal, throttled", () => {
  const s = sink();
  let t = 0;
  const p = new ProgressReporter(s, { tty: true, total: 8, now: () => t, width: 4 });
  t = 50;
  p.update(2); // first draw
  t = 60;
  p.update(4); // throttled (10 ms later)
  t = 1000;
  p.update(8); // the end is always drawn
  p.finish();
  assert.equal(s.out.length, 3);
  assert.equal(s.out[0], "\r█░░░  25%  2/8 rows  40.0 seq/s\x1b[K");
  assert.equal(s.out[1], "\r████ 100%  8/8 rows  8.0 seq/s\x1b[K");
  assert.equal(s.out[2], "\n");
});

Deno.test("formatRate keeps one decimal and thousands separators", () => {
  assert.equal(formatRate(1234.56), "1,234.6");
  assert.equal(formatRate(3), "3.0");
});
