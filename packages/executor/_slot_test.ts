import assert from "node:assert/strict";
import { WorkerSlot } from "./_slot.ts";
import { workerSource } from "./_worker_source.ts";

const STUB_WORKER = new URL("./testdata/stub_worker.ts", import.meta.url);

/**
 * The load spec of the stub worker's model `id`: weights W (2, 3) and bias (3) in shared memory,
 * all W 0.5 and bias 1.
 */
function stubSpec(id: number) {
  const weights = new SharedArrayBuffer(36);
  new Float32Array(weights).fill(0.5, 0, 6).fill(1, 6);
  return {
    id,
    json: JSON.stringify({ kind: "stub", name: "s", features: 2, units: 3 }),
    options: {},
    buffer: weights,
    layout: [{ byteOffset: 0, shape: [2, 3] }, { byteOffset: 24, shape: [3] }],
  };
}

Deno.test("WorkerSlot gives a job and a control call with the same number each its own reply", async () => {
  const slot = new WorkerSlot(0, workerSource(STUB_WORKER), [], () => {});
  try {
    assert.equal(await slot.ready, null); // control call 1: setup
    const spec = stubSpec(1);
    // Control call 2: load (the stub's one layer is an object literal).
    assert.deepEqual(await slot.ensureLoaded(spec), ["Object"]);
    const input = new SharedArrayBuffer(16);
    new Float32Array(input).set([1, 2, 3, 4]);
    // Job 3 is posted, then control call 3 (resetStates) right behind it.
    const [done, reset] = await Promise.all([
      slot.run({
        kerno: "run",
        jobId: 3,
        handle: 1,
        inputs: [{ buffer: input, byteOffset: 0, dtype: "float32", shape: [2, 1, 2] }],
        outputs: null,
        split: false,
      }),
      slot.resetStates(spec),
    ]);
    assert.equal(reset, undefined);
    assert.equal(done.kerno, "done");
    assert.equal(done.jobId, 3);
    const [y, doubled] = done.results!;
    assert.deepEqual(y.shape, [2, 3]);
    assert.deepEqual([...new Float32Array(y.data)], [2.5, 2.5, 2.5, 4.5, 4.5, 4.5]);
    assert.deepEqual(doubled.shape, [2, 1, 2]);
    assert.deepEqual([...new Float32Array(doubled.data)], [2, 4, 6, 8]);
  } finally {
    slot.terminate();
  }
});

Deno.test("WorkerSlot.hasLoaded is true from a finished load until unload or the worker's end", async () => {
  const slot = new WorkerSlot(0, workerSource(STUB_WORKER), [], () => {});
  try {
    const spec = stubSpec(7);
    assert.equal(slot.hasLoaded(7), false);
    const loading = slot.ensureLoaded(spec);
    assert.equal(slot.hasLoaded(7), false); // asked for, not loaded yet
    await loading;
    assert.equal(slot.hasLoaded(7), true);
    assert.equal(slot.hasLoaded(8), false);
    await slot.unload(7);
    assert.equal(slot.hasLoaded(7), false);
    await slot.ensureLoaded(spec);
    assert.equal(slot.hasLoaded(7), true);
    slot.terminate();
    assert.equal(slot.hasLoaded(7), false);
  } finally {
    slot.terminate();
  }
});
