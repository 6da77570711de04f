import assert from "node:assert/strict";
import { ControlClient, type ControlReply } from "./_control.ts";

const WORKER_URL = new URL("./testdata/control_worker.ts", import.meta.url);

interface Started {
  worker: Worker;
  client: ControlClient;
  /** Every data-plane ("done") message the worker posted, in order. */
  done: number[];
  /** The id of every control reply the worker posted, in order. */
  replies: number[];
  /** Terminates the worker and rejects `dead` with `cause`, as `WorkerSlot` does. */
  kill(cause: Error): void;
}

/** Starts the test worker and waits for its ready message. */
async function start(): Promise<Started> {
  const worker = new Worker(WORKER_URL, { type: "module" });
  let rejectDead!: (e: Error) => void;
  const dead = new Promise<never>((_, reject) => (rejectDead = reject));
  dead.catch(() => {});
  const done: number[] = [];
  const replies: number[] = [];
  const ready = new Promise<void>((resolve) => {
    worker.addEventListener("message", (ev: MessageEvent) => {
      if (ev.data?.kerno === "ready") resolve();
      if (ev.data?.kerno === "done") done.push(ev.data.jobId);
      if (ev.data?.kerno === "reply") replies.push(ev.data.id);
    });
  });
  const client = new ControlClient(worker, dead);
  await ready;
  return {
    worker,
    client,
    done,
    replies,
    kill(cause) {
      worker.terminate();
      rejectDead(cause);
    },
  };
}

/** Weights of 4 floats in shared memory, float 0 set to `first`. */
function sharedWeights(first: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(16);
  new Float32Array(buffer)[0] = first;
  return buffer;
}

function delayed(ms: number): string {
  return JSON.stringify({ delayMs: ms });
}

Deno.test("ControlClient resolves each call with the worker's result; the weights stay shared", async () => {
  const w = await start();
  try {
    assert.equal(await w.client.ping(), "pong");
    assert.equal(await w.client.setup([]), null);
    const weights = sharedWeights(2.5);
    assert.deepEqual(await w.client.load(4, delayed(0), {}, weights, []), [
      "model 4",
      "weight 0 is 2.5",
    ]);
    // Shared, not transferred: still 16 bytes here, and the worker's write is seen.
    assert.equal(weights.byteLength, 16);
    assert.deepEqual([...new Float32Array(weights)], [2.5, 4, 0, 0]);
    assert.equal(await w.client.unload(4), undefined);
    assert.equal(w.client.pendingCalls, 0);
  } finally {
    w.kill(new Error("test over"));
  }
});

Deno.test("ControlClient rethrows what the worker threw with its name and message", async () => {
  const w = await start();
  try {
    await assert.rejects(w.client.resetStates(3), (e: unknown) => {
      assert.ok(e instanceof RangeError);
      assert.equal(e.name, "RangeError");
      assert.equal(e.message, "Model 3 is not loaded in this worker");
      assert.match(e.stack ?? "", /^RangeError: Model 3 is not loaded in this worker\n/);
      return true;
    });
    await assert.rejects(w.client.setup(["file:///x/my_layers.ts"]), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.equal(e.name, "SetupModuleError");
      assert.equal(e.message, "cannot import file:///x/my_layers.ts");
      return true;
    });
    // A thrown string arrives as an Error whose message is the string.
    await assert.rejects(w.client.resetStates(-1), { name: "Error", message: "no state for -1" });
    // A result that cannot be cloned fails the call instead of hanging it.
    await assert.rejects(w.client.unload(99), { name: "DataCloneError" });
    assert.equal(await w.client.ping(), "pong");
  } finally {
    w.kill(new Error("test over"));
  }
});

Deno.test("ControlClient matches concurrent calls to their own replies", async () => {
  const w = await start();
  try {
    const order: string[] = [];
    const track = <T>(name: string, p: Promise<T>) => p.then((v) => (order.push(name), v));
    const [slow, fast, pong, failed] = await Promise.all([
      track("slow", w.client.load(1, delayed(200), {}, sharedWeights(1), [])),
      track("fast", w.client.load(2, delayed(0), {}, sharedWeights(2), [])),
      track("ping", w.client.ping()),
      track("failed", w.client.resetStates(5).catch((e: Error) => e.message)),
    ]);
    assert.deepEqual(slow, ["model 1", "weight 0 is 1"]);
    assert.deepEqual(fast, ["model 2", "weight 0 is 2"]);
    assert.equal(pong, "pong");
    assert.equal(failed, "Model 5 is not loaded in this worker");
    assert.equal(order.at(-1), "slow"); // answered last, yet given its own reply
    assert.equal(w.client.pendingCalls, 0);
  } finally {
    w.kill(new Error("test over"));
  }
});

Deno.test("ControlClient rejects pending and later calls with the cause when the worker is terminated mid-call", async () => {
  const w = await start();
  const cause = new Error("the worker was terminated (test)");
  const hanging = w.client.load(7, delayed(-1), {}, sharedWeights(0), []);
  const slow = w.client.load(8, delayed(60_000), {}, sharedWeights(0), []);
  assert.equal(w.client.pendingCalls, 2);
  w.kill(cause);
  await assert.rejects(hanging, (e) => e === cause);
  await assert.rejects(slow, (e) => e === cause);
  assert.equal(w.client.pendingCalls, 0);
  await assert.rejects(w.client.ping(), (e) => e === cause);
});

Deno.test("ControlClient takes no data-plane message for a reply, and the worker's control listener ignores data-plane messages", async () => {
  const w = await start();
  try {
    // Call 1 is pending while a data-plane job with the same number is answered with "done".
    const call = w.client.load(3, delayed(150), {}, sharedWeights(9), []);
    let settled = false;
    call.then(() => (settled = true), () => (settled = true));
    w.worker.postMessage({ kerno: "run", jobId: 1 });
    while (w.done.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(w.done, [1]);
    await Promise.resolve();
    assert.equal(settled, false, "the call settled on a data-plane message");
    assert.deepEqual(await call, ["model 3", "weight 0 is 9"]);
    // The worker's control listener answered only the calls, not the run messages.
    w.worker.postMessage({ kerno: "run", jobId: 2 });
    assert.equal(await w.client.ping(), "pong");
    assert.deepEqual(w.done, [1, 2]);
    assert.deepEqual(w.replies, [1, 2]);
  } finally {
    w.kill(new Error("test over"));
  }
});

Deno.test("exposeControl answers an unknown method with a TypeError reply", async () => {
  const w = await start();
  try {
    const reply = new Promise<ControlReply>((resolve) => {
      w.worker.addEventListener("message", (ev: MessageEvent) => {
        if (ev.data?.kerno === "reply" && ev.data.id === 1000) resolve(ev.data);
      });
    });
    w.worker.postMessage({ kerno: "call", id: 1000, method: "toString", args: [] });
    const r = await reply;
    assert.equal(r.ok, false);
    assert.equal(r.ok === false && r.name, "TypeError");
    assert.equal(
      r.ok === false && r.message,
      'Unknown control method "toString": expected one of setup, load, unload, resetStates, ping',
    );
  } finally {
    w.kill(new Error("test over"));
  }
});
