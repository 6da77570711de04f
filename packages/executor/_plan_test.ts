import assert from "node:assert/strict";
import {
  balancedRows,
  leftBehindRows,
  pacesFirst,
  ShardCursor,
  splitRows,
  windowRows,
  WorkerPace,
} from "./_plan.ts";

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
  // Once a share is under a batch, the rows left go to the workers evenly (paced, given a pace).
  assert.deepEqual(all(new ShardCursor(0, 1024, 2)), [256, 192, 160, 128, 96, 64, 32, 48, 48]);
  assert.deepEqual(all(new ShardCursor(0, 256, 2)), [64, 64, 32, 48, 48]);
  // Calls too small for two rounds are split evenly in one.
  assert.deepEqual(all(new ShardCursor(0, 37, 4)), [10, 10, 10, 7]);
  assert.deepEqual(all(new ShardCursor(0, 2, 4)), [1, 1]);
  assert.deepEqual(all(new ShardCursor(10, 20, 2, undefined, 4)), [4, 4, 2]);
});

Deno.test("ShardCursor cuts a batch larger than the share: 3/4 of a share first, then the rest", () => {
  assert.deepEqual(all(new ShardCursor(0, 512, 2, undefined, 512)), [192, 192, 128]);
  assert.deepEqual(all(new ShardCursor(0, 1024, 2, undefined, 1024)), [384, 384, 256]);
  assert.deepEqual(all(new ShardCursor(0, 256, 4, undefined, 256)), [48, 48, 48, 48, 48, 16]);
  // Without paceFirst (BLAS) the batch is split evenly in one round, at most 128 rows a shard.
  assert.deepEqual(all(new ShardCursor(0, 256, 2, undefined, 256, false)), [128, 128]);
  assert.deepEqual(all(new ShardCursor(0, 512, 2, undefined, 512, false)), [128, 128, 128, 128]);
  assert.deepEqual(all(new ShardCursor(0, 60, 2, undefined, 60)), [30, 30]); // too small for two
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

Deno.test("balancedRows gives the asking worker what makes every worker end together", () => {
  // Each other worker starts 0.75 ms after it is free (the hand-off through the main thread).
  // Twice as fast as the other, both free now: 2T + (T − 0.75) = 90, T = 30.25 ms.
  assert.equal(balancedRows(90, { rate: 2, others: [{ rate: 1, freeIn: 0 }] }), 60.5);
  // Equal speeds, the other busy for 10 ms more: T + (T − 10.75) = 100.
  assert.equal(balancedRows(100, { rate: 1, others: [{ rate: 1, freeIn: 10 }] }), 55.375);
  // The other is busy past the end: the asking worker takes all.
  assert.equal(balancedRows(20, { rate: 1, others: [{ rate: 1, freeIn: 50 }] }), 20);
  // Free 9.5 ms from now, the other could start only after the asking worker's 10 rows end.
  assert.equal(balancedRows(10, { rate: 1, others: [{ rate: 1, freeIn: 9.5 }] }), 10);
  // Three workers, one free only after the others finished: it takes none.
  assert.equal(
    balancedRows(40, { rate: 1, others: [{ rate: 1, freeIn: 0 }, { rate: 1, freeIn: 30 }] }),
    20.375,
  );
});

Deno.test("ShardCursor sizes the tail shards from the pace, never below 8 rows", () => {
  const cursor = new ShardCursor(0, 300, 2, undefined, 300, false);
  // No pace yet (no worker has finished a shard): the tail is split evenly, 128 rows at most.
  assert.deepEqual(cursor.take(), { start: 0, end: 128 });
  assert.deepEqual(cursor.take(), { start: 128, end: 256 });
  // 44 rows left; the asking worker goes three times as fast as the other, which is free now:
  // 3T + (T − 0.75) = 44, 33.6 rows.
  assert.deepEqual(cursor.take({ rate: 3, others: [{ rate: 1, freeIn: 0 }] }), {
    start: 256,
    end: 290,
  });
  // The slow one would take 3.06 of the 10 left, at least 8 (the smallest paced shard), and
  // rather than leave 2 rows behind it takes all 10.
  const slow = { rate: 1, others: [{ rate: 3, freeIn: 0 }] };
  assert.deepEqual(cursor.take(slow), { start: 290, end: 300 });
  assert.equal(cursor.take(slow), null);
  // Without a last shard that small, the smallest paced shard is 8 rows.
  const small = new ShardCursor(0, 300, 2, undefined, 300, false);
  small.take();
  small.take();
  assert.deepEqual(small.take({ rate: 1, others: [{ rate: 10, freeIn: 0 }] }), {
    start: 256,
    end: 264,
  });
});

Deno.test("ShardCursor leaves no tail under 2 ms of the fastest other worker's pace", () => {
  assert.equal(leftBehindRows({ rate: 1, others: [{ rate: 3, freeIn: 0 }] }), 8);
  assert.equal(leftBehindRows({ rate: 15, others: [{ rate: 14.8, freeIn: 2 }] }), 30);
  assert.equal(leftBehindRows({ rate: 1, others: [] }), 8);
  const cursor = new ShardCursor(0, 1024, 2, undefined, 1024, true);
  assert.deepEqual(cursor.take(), { start: 0, end: 384 });
  assert.deepEqual(cursor.take(), { start: 384, end: 768 });
  // W1 with BLAS: 256 left at 15 rows/ms each, the other busy for 1.5 ms more: 15T + 15(T −
  // 2.25) = 256 gives 145 rows and leaves 111, over 30: paced.
  const w1 = { rate: 15, others: [{ rate: 15, freeIn: 1.5 }] };
  assert.deepEqual(cursor.take(w1), { start: 768, end: 913 });
  // 111 left, the other busy for 4 ms more: 15T + 15(T − 4.75) = 111 gives this worker 91.1
  // rows and leaves it 19, under 2 ms of its work (30 rows): this worker takes all 111.
  assert.deepEqual(cursor.take({ rate: 15, others: [{ rate: 15, freeIn: 4 }] }), {
    start: 913,
    end: 1024,
  });
  assert.equal(balancedRows(111, { rate: 15, others: [{ rate: 15, freeIn: 4 }] }), 91.125);
  assert.equal(cursor.take(w1), null);
});

Deno.test("ShardCursor paces every shard after a worker's first", () => {
  const cursor = new ShardCursor(0, 256, 2, undefined, 256);
  assert.deepEqual(cursor.take(), { start: 0, end: 96 });
  assert.deepEqual(cursor.take(), { start: 96, end: 192 });
  // 64 left; the asking worker runs 5/4 as fast as the other, which is free in 5 ms.
  const pace = { rate: 5, others: [{ rate: 4, freeIn: 5 }] };
  // 5T + 4(T − 5.75) = 64: T = 9.67 ms, 48.3 rows for the asking worker.
  assert.deepEqual(cursor.take(pace), { start: 192, end: 241 });
  // The other takes the 15 left: the first, busy for 5 ms more, could not start before they end.
  assert.deepEqual(cursor.take({ rate: 4, others: [{ rate: 5, freeIn: 5 }] }), {
    start: 241,
    end: 256,
  });
});

Deno.test("ShardCursor gives a worker that starts late no more than the rest's even share", () => {
  const cursor = new ShardCursor(0, 256, 2, undefined, 256);
  assert.deepEqual(cursor.take(), { start: 0, end: 96 });
  // The first worker is back before the second has asked: it takes half of what is left (and
  // the second's hand-off), taking the second to go as fast.
  assert.deepEqual(cursor.take({ rate: 1, others: [{ rate: 1, freeIn: 0 }] }), {
    start: 96,
    end: 177,
  });
  assert.deepEqual(cursor.take(), { start: 177, end: 256 });
});

Deno.test("WorkerPace measures rows a millisecond and when each busy worker is free", () => {
  let now = 0;
  const pace = new WorkerPace(2, () => now);
  pace.start(0, 100);
  pace.start(1, 100);
  assert.equal(pace.of(0), undefined);
  now = 50;
  pace.finish(0); // 2 rows/ms
  // Worker 1 has no rate yet: taken to go as fast as worker 0, it ends its 100 rows now.
  assert.deepEqual(pace.of(0), { rate: 2, others: [{ rate: 2, freeIn: 0 }] });
  assert.equal(pace.of(1), undefined);
  now = 100;
  pace.finish(1); // 1 row/ms
  pace.start(1, 30);
  now = 110;
  assert.deepEqual(pace.of(0), { rate: 2, others: [{ rate: 1, freeIn: 20 }] });
  assert.deepEqual(pace.of(1), { rate: 1, others: [{ rate: 2, freeIn: 0 }] });
});

Deno.test("pacesFirst paces the core always and BLAS only while first shards keep 256 rows", () => {
  assert.equal(pacesFirst(256, 2, false), true);
  assert.equal(pacesFirst(1024, 2, true), true); // first shards of 384 rows
  assert.equal(pacesFirst(683, 2, true), true); // 256.1 rows, rounded up to 257
  assert.equal(pacesFirst(680, 2, true), false); // 255
  assert.equal(pacesFirst(256, 2, true), false); // W5: 96 rows
  assert.equal(pacesFirst(1024, 3, true), true); // 256
});
