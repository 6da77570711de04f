import assert from "node:assert/strict";
import { LSTM, resetLayerNames } from "@kerno/layers";
import { Input, Sequential } from "@kerno/model";
import { concat, slice, Tensor } from "@kerno/tensor";
import { type PoolOptions, WorkerPool } from "./mod.ts";
import { StubModel } from "./testdata/stub_model.ts";

const workerUrl = new URL("./testdata/stub_worker.ts", import.meta.url);

function input(rows: number, timesteps: number, features: number, seed = 1): Tensor {
  const data = Float32Array.from(
    { length: rows * timesteps * features },
    (_, i) => Math.sin(i * 0.37 + seed),
  );
  return new Tensor(data, [rows, timesteps, features]);
}

function rowsOf(x: Tensor, start: number, end: number): Tensor {
  return slice(x, [start, ...x.shape.slice(1).map(() => 0)], [end - start, ...x.shape.slice(1)]);
}

function cut(x: Tensor, sizes: number[]): Tensor[] {
  const out: Tensor[] = [];
  let at = 0;
  for (const n of sizes) out.push(rowsOf(x, at, at += n));
  return out;
}

function assertBits(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  assert.deepEqual(
    new Uint8Array(got.data.buffer, got.data.byteOffset, got.data.byteLength),
    new Uint8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength),
    `${what} bits`,
  );
}

Deno.test("predictBatches on an LSTM equals one predict over the concatenation, bit for bit", async () => {
  resetLayerNames();
  const model = new Sequential([Input({ shape: [6, 3] }), new LSTM(5, { returnSequences: true })]);
  const x = input(61, 6, 3);
  await using pool = await WorkerPool.create({ workers: 2 });
  const whole = await pool.predictFlat(model, x, { batchSize: 4 });
  assertBits(whole[0], model.predictFlat([x])[0], "pool.predict vs model.predict");

  async function* batches() {
    for (const b of cut(x, [7, 1, 20, 33])) yield b;
  }
  const outs: Tensor[] = [];
  for await (const y of pool.predictBatches(model, batches(), { batchSize: 4 })) {
    outs.push(y as Tensor);
  }
  assert.deepEqual(outs.map((y) => y.shape[0]), [7, 1, 20, 33]);
  assertBits(concat(outs, 0), whole[0], "predictBatches vs predict");
});

Deno.test("predictBatches takes a plain iterable, two inputs, and nests outputs like predict", async () => {
  const model = new StubModel(
    { kind: "stub", name: "stub", features: 3, units: 4, twoInputs: true },
    7,
  );
  await using pool = await WorkerPool.create({ workers: 3, workerUrl } as PoolOptions);
  const x = input(9, 2, 3);
  const b = new Tensor(Float32Array.from({ length: 36 }, (_, i) => i / 7), [9, 4]);
  const want = (await pool.predict(model, [x, b])) as Tensor[];
  const sources = [[0, 4], [4, 5], [5, 9]].map(([s, e]) => [rowsOf(x, s, e), rowsOf(b, s, e)]);
  const got: Tensor[][] = [];
  for await (const y of pool.predictBatches(model, sources, { inFlight: 3 })) {
    got.push(y as Tensor[]);
  }
  assert.equal(got.length, 3);
  want.forEach((w, i) => assertBits(concat(got.map((g) => g[i]), 0), w, `output ${i}`));
});

Deno.test("predictBatches reads ahead at most inFlight batches (back-pressure)", async () => {
  const model = new StubModel({ kind: "stub", name: "stub", features: 3, units: 4 }, 7);
  await using pool = await WorkerPool.create({ workers: 2, workerUrl } as PoolOptions);
  const log: string[] = [];
  async function* source() {
    for (let k = 0; k < 4; k++) {
      log.push(`read ${k}`);
      yield input(3, 2, 3, k);
    }
  }
  let k = 0;
  const progress: number[] = [];
  for await (
    const _ of pool.predictBatchesFlat(model, source(), {
      inFlight: 2,
      onProgress: (p) => progress.push(p.rowsDone),
    })
  ) {
    log.push(`out ${k++}`);
  }
  assert.deepEqual(log, [
    "read 0",
    "read 1",
    "out 0",
    "read 2",
    "out 1",
    "read 3",
    "out 2",
    "out 3",
  ]);
  assert.equal(progress.at(-1), 12);
});

Deno.test("predictBatches ends with the first bad batch's error, and on break closes the source", async () => {
  const model = new StubModel({ kind: "stub", name: "stub", features: 3, units: 4 }, 7);
  await using pool = await WorkerPool.create({ workers: 2, workerUrl } as PoolOptions);
  let closed = 0;
  async function* source(bad: number) {
    try {
      for (let k = 0; k < 5; k++) yield k === bad ? input(2, 2, 5) : input(2, 2, 3, k);
    } finally {
      closed++;
    }
  }
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const [y] of pool.predictBatchesFlat(model, source(2))) seen.push(y.shape[0]);
    })(),
    {
      name: "TypeError",
      message: 'Input 0 ("a") of model "stub" is incompatible: expected shape ' +
        "(None, None, 3), received shape (2, 2, 5)",
    },
  );
  assert.deepEqual([seen, closed], [[2, 2], 1]);

  for await (const _ of pool.predictBatchesFlat(model, source(-1), { inFlight: 3 })) break;
  assert.equal(closed, 2);
  const y = await pool.predictFlat(model, input(4, 2, 3));
  assert.deepEqual(y[0].shape[0], 4, "the pool still serves after a stream was abandoned");

  const it = pool.predictBatchesFlat(model, [], { inFlight: 0 });
  await assert.rejects(it.next(), {
    name: "RangeError",
    message: "inFlight must be a positive integer, received 0",
  });
});
