import assert from "node:assert/strict";
import { parseSlice, resolveSlice, shardRows } from "./_slice.ts";

Deno.test("shardRows covers every row once, in contiguous whole batches within one batch of each other", () => {
  for (const [rows, batch, count] of [[1000, 32, 3], [100, 8, 3], [5, 32, 3], [64, 32, 7]]) {
    const shards = Array.from({ length: count }, (_, i) => shardRows(i, count, rows, batch));
    assert.equal(shards[0].start, 0);
    assert.equal(shards.at(-1)!.end, rows);
    shards.slice(1).forEach((s, i) => assert.equal(s.start, shards[i].end));
    for (const s of shards) {
      assert.equal(s.start % batch, 0, `${rows}/${batch}/${count}: ${s.start} starts a batch`);
    }
    const sizes = shards.map((s) => Math.ceil((s.end - s.start) / batch));
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `batches per shard ${sizes}`);
  }
  assert.deepEqual(shardRows(1, 3, 1000, 32), { start: 320, end: 672 });
  assert.deepEqual(
    [0, 1, 2].map((i) => shardRows(i, 3, 5, 32)),
    [{ start: 0, end: 0 }, { start: 0, end: 0 }, { start: 0, end: 5 }],
  );
});

Deno.test("parseSlice reads --rows and --shard and names the mistake", () => {
  assert.deepEqual(parseSlice(undefined, undefined), { kind: "all" });
  assert.deepEqual(parseSlice("10:20", undefined), { kind: "rows", start: 10, end: 20 });
  assert.deepEqual(parseSlice(":20", undefined), { kind: "rows", start: 0, end: 20 });
  assert.deepEqual(parseSlice("7:", undefined), { kind: "rows", start: 7, end: null });
  assert.deepEqual(parseSlice(undefined, "2/3"), { kind: "shard", index: 2, count: 3 });
  assert.throws(() => parseSlice("1:2", "0/2"), { message: "give --rows or --shard, not both" });
  assert.throws(() => parseSlice("5:3", undefined), {
    message: "--rows 5:3: END must not be before START",
  });
  assert.throws(() => parseSlice("a:3", undefined), { name: "UsageError", message: /START:END/ });
  assert.throws(() => parseSlice(undefined, "3/3"), {
    message:
      '--shard must be I/N with 0 <= I < N (I counts from 0, as JOB_COMPLETION_INDEX does), received "3/3"',
  });
});

Deno.test("resolveSlice cuts --rows at the end of the input and refuses a start past it", () => {
  assert.deepEqual(resolveSlice({ kind: "rows", start: 90, end: 200 }, 100, 32), {
    start: 90,
    end: 100,
  });
  assert.deepEqual(resolveSlice({ kind: "rows", start: 100, end: null }, 100, 32), {
    start: 100,
    end: 100,
  });
  assert.throws(() => resolveSlice({ kind: "rows", start: 101, end: null }, 100, 32), {
    message: "--rows 101: starts after the last row (the input has 100 rows)",
  });
  assert.deepEqual(resolveSlice({ kind: "shard", index: 2, count: 3 }, 100, 8), {
    start: 64,
    end: 100,
  });
});
