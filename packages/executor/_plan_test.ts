import assert from "node:assert/strict";
import { ShardCursor, splitRows, windowRows } from "./_plan.ts";

Deno.test("splitRows cuts a range into consecutive pieces, the last one shorter", () => {
  assert.deepEqual(splitRows(0, 7, 3), [
    { start: 0, end: 3 },
    { start: 3, end: 6 },
    { start: 6, end: 7 },
  ]);
  assert.deepEqual(splitRows(5, 5, 3), [{ start: 5, end: 5 }]);
});

function all(cursor: ShardCursor): number[] {
  const sizes: number[] = [];
  for (let s = cursor.take(); s; s = cursor.take()) sizes.push(s.end - s.start);
  return sizes;
}

Deno.test("ShardCursor hands out guided shards that shrink to one batch", () => {
  assert.deepEqual(all(new ShardCursor(0, 1024, 2)), [256, 192, 160, 128, 96, 64, 32, 32, 32, 32]);
  assert.deepEqual(all(new ShardCursor(0, 256, 2)), [64, 64, 32, 32, 32, 32]);
  assert.deepEqual(all(new ShardCursor(0, 37, 4)), [10, 10, 10, 7]);
  assert.deepEqual(all(new ShardCursor(0, 2, 4)), [1, 1]);
  assert.deepEqual(all(new ShardCursor(10, 20, 2, undefined, 4)), [4, 4, 2]);
});

Deno.test("ShardCursor cuts a batch larger than the share, down to 64-row shards", () => {
  assert.deepEqual(all(new ShardCursor(0, 512, 2, undefined, 512)), [128, 96, 72, 64, 64, 64, 24]);
  assert.deepEqual(all(new ShardCursor(0, 1024, 2, undefined, 1024)), [
    256,
    192,
    144,
    108,
    81,
    64,
    64,
    64,
    51,
  ]);
  assert.deepEqual(all(new ShardCursor(0, 256, 2, undefined, 256)), [64, 64, 64, 64]);
});

Deno.test("ShardCursor takes a fixed shard size when asked, and checks it", () => {
  assert.deepEqual(all(new ShardCursor(0, 7, 2, 3)), [3, 3, 1]);
  const c = new ShardCursor(5, 6, 2, 3);
  assert.deepEqual(c.take(), { start: 5, end: 6 });
  assert.equal(c.take(), null);
  assert.throws(() => new ShardCursor(0, 37, 4, 0), {
    name: "RangeError",
    message: "shardRows must be a positive integer, received 0",
  });
});

Deno.test("windowRows keeps a window within the staging budget, at least one row", () => {
  assert.equal(windowRows(100, 40, 400), 10);
  assert.equal(windowRows(100, 40, 10), 1);
  assert.equal(windowRows(5, 40, 4000), 5);
  assert.equal(windowRows(5, 0, 10), 5);
});
