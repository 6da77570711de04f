import assert from "node:assert/strict";
import { shardSize, splitRows, windowRows } from "./_plan.ts";

Deno.test("splitRows cuts a range into consecutive pieces, the last one shorter", () => {
  assert.deepEqual(splitRows(0, 7, 3), [
    { start: 0, end: 3 },
    { start: 3, end: 6 },
    { start: 6, end: 7 },
  ]);
  assert.deepEqual(splitRows(5, 5, 3), [{ start: 5, end: 5 }]);
});

Deno.test("shardSize cuts four shards per worker in whole batches, or as requested", () => {
  assert.equal(shardSize(1024, 2, undefined), 128);
  assert.equal(shardSize(1000, 2, undefined), 128);
  assert.equal(shardSize(1000, 2, undefined, 100), 200);
  assert.equal(shardSize(37, 4, undefined), 3);
  assert.equal(shardSize(2, 4, undefined), 1);
  assert.equal(shardSize(37, 4, 5), 5);
  assert.throws(() => shardSize(37, 4, 0), {
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
