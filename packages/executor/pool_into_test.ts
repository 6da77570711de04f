import assert from "node:assert/strict";
import { Bidirectional, Dense, LSTM, resetLayerNames } from "@kerno/layers";
import { Input, Model, Sequential } from "@kerno/model";
import { concat, slice, Tensor } from "@kerno/tensor";
import { WorkerPool } from "./mod.ts";

function input(rows: number, timesteps: number, features: number, seed = 1): Tensor {
  const data = Float32Array.from(
    { length: rows * timesteps * features },
    (_, i) => Math.sin(i * 0.37 + seed),
  );
  return new Tensor(data, [rows, timesteps, features]);
}

function shared(n: number): Float32Array<SharedArrayBuffer> {
  return new Float32Array(new SharedArrayBuffer(n * 4)).fill(NaN);
}

function bits(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function biModel(): Sequential {
  resetLayerNames();
  return new Sequential([
    Input({ shape: [6, 3] }),
    new Bidirectional(new LSTM(4, { returnSequences: true })),
  ]);
}

function twoOutputs(): Model {
  resetLayerNames();
  const x = Input({ shape: [6, 3] });
  const [seq, h] = new LSTM(5, { returnSequences: true, returnState: true }).apply(x) as [
    ReturnType<typeof Input>,
    ReturnType<typeof Input>,
    ReturnType<typeof Input>,
  ];
  return new Model({ inputs: x, outputs: [seq, new Dense(2).apply(h) as typeof seq] });
}

Deno.test("pool predict writes into shared arrays in place, bit-identical to a fresh result", async () => {
  const model = biModel();
  const x = input(37, 6, 3);
  const want = model.predictFlat([x], { batchSize: 5 })[0];
  await using pool = await WorkerPool.create({ workers: 2 });
  for (const shardRows of [undefined, 5, 1]) {
    const dest = shared(37 * 6 * 8);
    const [y] = await pool.predictFlat(model, x, { batchSize: 5, shardRows, into: [dest] });
    assert.equal(y.data, dest);
    assert.deepEqual(y.shape, [37, 6, 8]);
    assert.deepEqual(bits(y), bits(want));
  }
});

Deno.test("pool predict into: a null entry gets a new array, the other is written in place", async () => {
  const model = twoOutputs();
  const x = input(9, 6, 3, 2);
  const want = model.predictFlat([x]);
  await using pool = await WorkerPool.create({ workers: 2 });
  const dense = shared(9 * 2);
  const [seq, out] = await pool.predictFlat(model, x, { into: [null, dense] });
  assert.equal(out.data, dense);
  assert.notEqual(seq.data.buffer, dense.buffer);
  assert.deepEqual(bits(seq), bits(want[0]));
  assert.deepEqual(bits(out), bits(want[1]));
});

Deno.test("pool predict into: wrong arrays are refused before any work, naming the entry", async () => {
  const model = biModel();
  const x = input(4, 6, 3);
  await using pool = await WorkerPool.create({ workers: 2 });
  await assert.rejects(
    pool.predictFlat(model, x, { into: [new Float32Array(4 * 6 * 8)] }),
    {
      name: "TypeError",
      message: 'Model "sequential": into[0] must be a Float32Array over a SharedArrayBuffer for ' +
        "output 0 (float32), which the workers write in place, received a Float32Array over an " +
        "ArrayBuffer; for instance new Float32Array(new SharedArrayBuffer(n * 4))",
    },
  );
  await assert.rejects(
    pool.predictFlat(model, x, { into: [new Int32Array(new SharedArrayBuffer(4 * 6 * 8 * 4))] }),
    /into\[0\] must be a Float32Array over a SharedArrayBuffer for output 0 \(float32\)/,
  );
  await assert.rejects(pool.predictFlat(model, x, { into: [] }), {
    name: "TypeError",
    message: 'Model "sequential": pool predict option `into` must list 1 array(s) (one per ' +
      "output, null for a new one), received 0",
  });
  const short = shared(4 * 6 * 8 - 1);
  await assert.rejects(pool.predictFlat(model, x, { into: [short] }), {
    name: "RangeError",
    message: 'Model "sequential": into[0] must hold 192 values for output 0 of shape (4, 6, 8), ' +
      "received 191",
  });
  assert.ok(short.every(Number.isNaN), "nothing written into a refused array");
});

Deno.test("pool predict into: an array sharing bytes with the input is refused", async () => {
  const model = biModel();
  const memory = new SharedArrayBuffer((4 * 6 * 3 + 4 * 6 * 8) * 4);
  const x = new Tensor(new Float32Array(memory, 0, 4 * 6 * 3), [4, 6, 3]);
  await using pool = await WorkerPool.create({ workers: 2 });
  await assert.rejects(
    pool.predictFlat(model, x, { into: [new Float32Array(memory, 40, 4 * 6 * 8)] }),
    {
      name: "TypeError",
      message: 'Model "sequential": into[0] shares bytes with input 0 (bytes 40..807 and ' +
        "0..287 of one SharedArrayBuffer): the workers would overwrite what they still read",
    },
  );
  // Beside the input in the same buffer is fine.
  const beside = new Float32Array(memory, 4 * 6 * 3 * 4, 4 * 6 * 8);
  const [y] = await pool.predictFlat(model, x, { into: [beside] });
  assert.equal(y.data, beside);
  assert.deepEqual(bits(y), bits(model.predictFlat([x])[0]));
});

Deno.test("predictBatches with reuseOutputs reuses inFlight sets of arrays, same bits", async () => {
  const model = biModel();
  const x = input(50, 6, 3, 3);
  const sizes = [12, 12, 12, 10, 4];
  const parts: Tensor[] = [];
  let at = 0;
  for (const n of sizes) {
    parts.push(slice(x, [at, 0, 0], [n, 6, 3]));
    at += n;
  }
  await using pool = await WorkerPool.create({ workers: 2 });
  const want = await pool.predictFlat(model, x, { batchSize: 4 });
  const buffers: ArrayBufferLike[] = [];
  const copies: Tensor[] = [];
  for await (
    const [y] of pool.predictBatchesFlat(model, parts, {
      batchSize: 4,
      inFlight: 2,
      reuseOutputs: true,
    })
  ) {
    assert.ok(y.data.buffer instanceof SharedArrayBuffer);
    buffers.push(y.data.buffer);
    copies.push(new Tensor(y.data.slice(), y.shape));
  }
  assert.deepEqual(copies.map((y) => y.shape[0]), sizes);
  assert.deepEqual(bits(concat(copies, 0)), bits(want[0]));
  // Batch k + inFlight writes the arrays of batch k: two sets serve the stream.
  assert.equal(buffers[2], buffers[0]);
  assert.equal(buffers[3], buffers[1]);
  assert.equal(buffers[4], buffers[0]);
  assert.notEqual(buffers[1], buffers[0]);
});

Deno.test("predictBatches refuses into, and a reuseOutputs that is not a boolean", async () => {
  const model = biModel();
  await using pool = await WorkerPool.create({ workers: 1 });
  const stream = (options: object) =>
    pool.predictBatchesFlat(model, [input(2, 6, 3)], options as never)[Symbol.asyncIterator]()
      .next();
  await assert.rejects(stream({ into: [shared(96)] }), {
    name: "TypeError",
    message: "predictBatches takes no `into` option (each batch has rows of its own); " +
      "reuseOutputs: true has the stream reuse its output memory",
  });
  await assert.rejects(stream({ reuseOutputs: "yes" }), {
    name: "TypeError",
    message: "reuseOutputs must be true or false, received yes",
  });
});
