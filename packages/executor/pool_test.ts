import assert from "node:assert/strict";
import { addressesAvailable, Tensor } from "@kerno/tensor";
import { type FaultMode, injectFault } from "./_faults.ts";
import { type PoolOptions, WorkerPool } from "./mod.ts";
import { type StubConfig, StubModel } from "./testdata/stub_model.ts";

const workerUrl = new URL("./testdata/stub_worker.ts", import.meta.url);
/** Whether the workers write outputs by address (Linux, the FFI permission). */
const addresses = addressesAvailable();

function stubPool(workers: number, extra: PoolOptions = {}): Promise<WorkerPool> {
  return WorkerPool.create({ workers, oversubscribe: true, workerUrl, ...extra });
}

function stub(extra: Partial<StubConfig> = {}): StubModel {
  return new StubModel({ kind: "stub", name: "stub", features: 3, units: 4, ...extra }, 7);
}

function input(rows: number, timesteps: number, features: number, seed = 1): Tensor {
  const data = Float32Array.from(
    { length: rows * timesteps * features },
    (_, i) => Math.sin(i * 0.37 + seed),
  );
  return new Tensor(data, [rows, timesteps, features]);
}

function assertSame(got: readonly Tensor[], want: readonly Tensor[]): void {
  assert.equal(got.length, want.length);
  got.forEach((g, i) => {
    assert.deepEqual(g.shape, want[i].shape, `output ${i} shape`);
    assert.deepEqual(Array.from(g.data), Array.from(want[i].data), `output ${i} values`);
  });
}

Deno.test("WorkerPool.predict is bit-identical for 1-4 workers, odd batches and any shard size", async () => {
  const model = stub();
  for (const workers of [1, 2, 3, 4]) {
    await using pool = await stubPool(workers);
    assert.equal(pool.liveWorkers, workers);
    for (const rows of [1, 2, 37]) {
      const x = input(rows, 5, 3, rows);
      const want = model.predictFlat([x]);
      for (const shardRows of [undefined, 1, 5, 64]) {
        const got = await pool.predict(model, x, { shardRows }) as Tensor[];
        assertSame(got, want);
      }
    }
  }
});

Deno.test("WorkerPool.predict nests outputs like the model and handles two inputs", async () => {
  await using pool = await stubPool(3);
  const model = stub({ twoInputs: true });
  const x = input(7, 2, 3);
  const b = new Tensor(Float32Array.from({ length: 28 }, (_, i) => i / 7), [7, 4]);
  const got = await pool.predict(model, [x, b]);
  assert.ok(Array.isArray(got));
  assertSame(got as Tensor[], model.predictFlat([x, b]));
  const buffer = (got as Tensor[])[0].data.buffer;
  assert.ok(
    addresses ? !(buffer instanceof SharedArrayBuffer) : buffer instanceof SharedArrayBuffer,
  );
});

Deno.test("WorkerPool.predict uses shared inputs in place and stages others in bounded windows", async () => {
  // 10 bytes of staging budget -> 1 row of (2 x 3) float32 per window.
  await using pool = await stubPool(2, { maxStagingBytes: 30 });
  const model = stub();
  const x = input(9, 2, 3);
  const want = model.predictFlat([x]);
  assertSame(await pool.predictFlat(model, x), want);
  const shared = new Float32Array(new SharedArrayBuffer(4 * (x.size + 6)), 24, x.size);
  shared.set(x.f32);
  assertSame(await pool.predictFlat(model, new Tensor(shared, x.shape)), want);
});

Deno.test("WorkerPool.predict reports progress per shard and refuses empty batches", async () => {
  await using pool = await stubPool(2);
  const model = stub({ timesteps: 2 });
  const seen: number[] = [];
  await pool.predict(model, input(10, 2, 3), {
    shardRows: 3,
    onProgress: (p) => {
      assert.equal(p.rowsTotal, 10);
      seen.push(p.rowsDone);
    },
  });
  assert.deepEqual(seen.sort((a, b) => a - b).at(-1), 10);
  assert.equal(seen.length, 4);
  await assert.rejects(pool.predictFlat(model, input(0, 2, 3)), {
    name: "RangeError",
    message: 'Model "stub": predict() received inputs with 0 rows',
  });
});

Deno.test("WorkerPool.predict refuses bad inputs before any worker runs", async () => {
  await using pool = await stubPool(1);
  const model = stub({ twoInputs: true });
  const x = input(2, 2, 3);
  const b = Tensor.zeros([2, 4]);
  await assert.rejects(
    pool.predict(model, x),
    { name: "TypeError", message: 'Model "stub" expects 2 input(s) (a, b), received 1' },
  );
  await assert.rejects(pool.predict(model, [input(2, 2, 5), b]), {
    name: "TypeError",
    message: 'Input 0 ("a") of model "stub" is incompatible: expected shape (None, None, 3), ' +
      "received shape (2, 2, 5)",
  });
  await assert.rejects(pool.predict(model, [x, Tensor.zeros([2, 4], "int32")]), {
    name: "TypeError",
    message: 'Input 1 ("b") of model "stub" expects dtype float32, received int32',
  });
  await assert.rejects(pool.predict(model, [x, Tensor.zeros([3, 4])]), {
    name: "TypeError",
    message: /Input 1 \("b"\) of model "stub" has 3 rows, but input 0 has 2/,
  });
  await assert.rejects(pool.predict(model, [x, b], { shardRows: 0 }), { name: "RangeError" });
  assert.equal(model.calls, 0);
});

Deno.test("WorkerPool.predict queues concurrent calls first in, first out", async () => {
  await using pool = await stubPool(2);
  const model = stub();
  const order: number[] = [];
  const xs = [input(4, 2, 3, 1), input(5, 2, 3, 2), input(6, 2, 3, 3)];
  const results = await Promise.all(
    xs.map((x, i) => pool.predictFlat(model, x).then((y) => (order.push(i), y))),
  );
  assert.deepEqual(order, [0, 1, 2]);
  results.forEach((y, i) => assertSame(y, model.predictFlat([xs[i]])));
});

Deno.test("WorkerPool.predict rejects with the signal's reason and the pool keeps serving", async () => {
  await using pool = await stubPool(2);
  // 16 one-row shards of 100 ms on 2 workers: at least 800 ms when nothing is aborted.
  const slow = stub({ spinMs: 100, timesteps: 2 });
  const x = input(16, 2, 3);
  const early = new AbortController();
  early.abort(new Error("not wanted"));
  await assert.rejects(pool.predict(slow, x, { signal: early.signal }), { message: "not wanted" });

  const ctl = new AbortController();
  const started = performance.now();
  const running = pool.predict(slow, x, { signal: ctl.signal, shardRows: 1 });
  const queued = pool.predict(slow, x, { signal: ctl.signal });
  setTimeout(() => ctl.abort(new DOMException("stop", "AbortError")), 100);
  const [r1, r2] = await Promise.allSettled([running, queued]);
  assert.equal(r1.status === "rejected" && r1.reason.message, "stop");
  assert.equal(r2.status === "rejected" && r2.reason.name, "AbortError");
  // Aborted at 100 ms: well before the 800 ms a full run needs, with room for a loaded machine.
  assert.ok(performance.now() - started < 600, "abort is prompt");
  assertSame(await pool.predictFlat(slow, x), slow.predictFlat([x]));
});

Deno.test("WorkerPool.predict fails on a worker fault naming the shard, then recovers", async () => {
  await using pool = await stubPool(2);
  const model = stub({ timesteps: 2 });
  const x = input(6, 2, 3);
  const want = model.predictFlat([x]);
  const causes: Record<string, RegExp> = {
    throw: /Error: injected fault/,
    exit: /the worker closed itself/,
    terminate: /terminated/,
  };
  for (const [mode, cause] of Object.entries(causes)) {
    injectFault(pool, mode as FaultMode, 1);
    await assert.rejects(pool.predictFlat(model, x, { shardRows: 3 }), (e: Error) => {
      assert.match(e.message, /^Shard of rows 3\.\.5 \(of 6\) failed on worker 1: /, mode);
      assert.match(e.message, cause, mode);
      return true;
    });
    assert.equal(pool.liveWorkers, 2);
    assertSame(await pool.predictFlat(model, x), want);
  }
  // Unknown output shapes: the first model batch runs alone on worker 0.
  const open = stub();
  injectFault(pool, "throw", 0);
  await assert.rejects(pool.predictFlat(open, x), {
    message:
      /^Shard of rows 0\.\.5 \(of 6\) failed on worker 0: Error: injected fault \(test hook\)$/,
  });
  assertSame(await pool.predictFlat(open, x), open.predictFlat([x]));
});

Deno.test({
  name: "WorkerPool.predict with the FFI permission has workers write ordinary outputs by address",
  ignore: !addresses,
  async fn() {
    await using pool = await stubPool(2);
    const model = stub({ timesteps: 2 });
    for (const rows of [1, 37]) {
      const x = input(rows, 2, 3, rows);
      const want = model.predictFlat([x]);
      for (const shardRows of [undefined, 1, 5]) {
        const got = await pool.predictFlat(model, x, { shardRows });
        assertSame(got, want);
        assert.ok(got[0].data.buffer instanceof ArrayBuffer, `rows ${rows} shardRows ${shardRows}`);
      }
    }
    // Unknown output shapes: the probe batch's rows are sent back, the rest written by address.
    const open = stub();
    const x = input(40, 2, 3);
    const got = await pool.predictFlat(open, x, { batchSize: 8 });
    assertSame(got, open.predictFlat([x]));
    assert.ok(got[0].data.buffer instanceof ArrayBuffer);
    await using sharing = await stubPool(2, { sharedOutputs: true });
    for (const m of [model, open]) {
      const shared = await sharing.predictFlat(m, x, { batchSize: 8 });
      assertSame(shared, m.predictFlat([x]));
      assert.ok(shared[0].data.buffer instanceof SharedArrayBuffer);
    }
    await assert.rejects(stubPool(1, { sharedOutputs: "yes" as unknown as boolean }), {
      name: "TypeError",
      message: "sharedOutputs must be true or false, received yes",
    });
  },
});

Deno.test({
  name:
    "WorkerPool.predict into shared outputs fails on a worker fault naming the shard, then recovers",
  async fn() {
    await using pool = await stubPool(2, { sharedOutputs: true });
    const model = stub({ timesteps: 2 });
    const x = input(6, 2, 3);
    const want = model.predictFlat([x]);
    for (const mode of ["throw", "exit", "terminate"] as const) {
      injectFault(pool, mode, 1);
      await assert.rejects(
        pool.predictFlat(model, x, { shardRows: 3 }),
        /^Error: Shard of rows 3\.\.5 \(of 6\) failed on worker 1: /,
      );
      assertSame(await pool.predictFlat(model, x), want);
    }
  },
});

Deno.test("WorkerPool.predict pins a stateful model to one worker, which keeps its state", async () => {
  await using pool = await stubPool(3);
  const model = stub({ stateful: true, batch: 4 });
  const reference = stub({ stateful: true, batch: 4 });
  const x1 = input(4, 2, 3, 1);
  const x2 = input(4, 2, 3, 2);
  const handle = await pool.load(model);
  assert.equal(handle.stateful, true);
  assertSame(await pool.predictFlat(handle, x1), reference.predictFlat([x1]));
  assertSame(await pool.predictFlat(handle, x2), reference.predictFlat([x2]));
  await pool.resetStates(handle);
  reference.layers[0].resetStates();
  assertSame(await pool.predictFlat(model, x1, { shardRows: 1 }), reference.predictFlat([x1]));
});

Deno.test("WorkerPool.load shares the weights with the model, and setWeights reaches the workers", async () => {
  await using pool = await stubPool(2);
  const model = stub();
  const handle = await pool.load(model);
  assert.equal(await pool.load(model), handle);
  assert.ok(model.weights[0].value.data.buffer instanceof SharedArrayBuffer);
  assert.equal(handle.weightBytes, 64 + 64);
  const x = input(3, 2, 3);
  model.weights[1].value.f32.fill(0.5);
  assertSame(await pool.predictFlat(model, x), model.predictFlat([x]));
  model.weights[1].value = new Tensor(new Float32Array(4).fill(-1), [4]);
  assertSame(await pool.predictFlat(handle, x), model.predictFlat([x]));
  await pool.unload(handle);
  await assert.rejects(pool.predict(handle, x), { name: "RangeError", message: /not loaded/ });
});

Deno.test("WorkerPool.close terminates every worker and rejects pending calls", async () => {
  const pool = await stubPool(3);
  assert.equal(pool.liveWorkers, 3);
  const slow = stub({ spinMs: 30 });
  const x = input(6, 2, 3);
  const running = pool.predict(slow, x);
  const queued = pool.predict(slow, x);
  await new Promise((r) => setTimeout(r, 20));
  await pool.close();
  assert.equal(pool.liveWorkers, 0);
  await assert.rejects(running, { message: "WorkerPool is closed" });
  await assert.rejects(queued, { message: "WorkerPool is closed" });
  await assert.rejects(pool.predict(slow, x), { message: "WorkerPool is closed" });
  await pool.close();
});

Deno.test("WorkerPool.create caps the workers at the core count unless oversubscribe is set", async () => {
  const cores = navigator.hardwareConcurrency;
  {
    await using capped = await WorkerPool.create({ workers: cores + 1, workerUrl });
    assert.equal(capped.size, cores);
  }
  await using forced = await stubPool(cores + 1);
  assert.equal(forced.size, cores + 1);
});

Deno.test("WorkerPool.create refuses a bad worker count", async () => {
  await assert.rejects(WorkerPool.create({ workers: 0 }), {
    name: "RangeError",
    message: "workers must be a positive integer, received 0",
  });
});

Deno.test("WorkerPool.create names the COOP/COEP headers where the page is not cross-origin isolated", async () => {
  Object.defineProperty(globalThis, "crossOriginIsolated", { value: false, configurable: true });
  try {
    await assert.rejects(WorkerPool.create({ workers: 1, workerUrl }), {
      message: "WorkerPool needs SharedArrayBuffer, which browsers give only to cross-origin " +
        "isolated pages (crossOriginIsolated is false): serve the page with the headers " +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"',
    });
  } finally {
    delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  }
});

Deno.test("WorkerPool survives a worker's uncaught error and names a missing worker module", async () => {
  // In a subprocess: Deno reports both causes on stderr itself, which would litter the output.
  const script = new URL("./testdata/noisy_faults.ts", import.meta.url);
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script.pathname],
  }).output();
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, err);
  const r = JSON.parse(new TextDecoder().decode(stdout));
  assert.match(r.uncaught, /^Shard of rows 3\.\.5 \(of 6\) failed on worker 1: /);
  assert.match(r.uncaught, /the worker crashed: .*injected uncaught fault/);
  assert.equal(r.liveAfter, 2);
  assert.equal(r.recovered, true);
  assert.match(
    r.missing,
    new RegExp(
      `^WorkerPool could not start its workers: could not start the worker module ${
        r.missingUrl.replace(/[.]/g, "\\.")
      }: `,
    ),
  );
  assert.match(err, /injected uncaught fault/, "Deno's own report went to the subprocess");
});
