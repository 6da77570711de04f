import assert from "node:assert/strict";
import { FifoLock } from "./_queue.ts";

Deno.test("FifoLock grants the lock in arrival order", async () => {
  const lock = new FifoLock();
  const order: number[] = [];
  const first = await lock.acquire();
  const waits = [1, 2, 3].map((i) => lock.acquire().then((release) => (order.push(i), release)));
  assert.equal(lock.waiting, 3);
  first();
  for (const w of waits) (await w)();
  assert.deepEqual(order, [1, 2, 3]);
  assert.equal(lock.waiting, 0);
});

Deno.test("FifoLock drops an aborted waiter and rejects everyone on close", async () => {
  const lock = new FifoLock();
  const release = await lock.acquire();
  const ctl = new AbortController();
  const aborted = lock.acquire(ctl.signal);
  const closed = lock.acquire();
  ctl.abort(new Error("gone"));
  await assert.rejects(aborted, { message: "gone" });
  assert.equal(lock.waiting, 1);
  lock.close(new Error("closed"));
  await assert.rejects(closed, { message: "closed" });
  await assert.rejects(lock.acquire(), { message: "closed" });
  release();
});
