import assert from "node:assert/strict";
import { Dense, LSTM, type SymbolicTensor } from "@kerno/layers";
import { Input, Model, modelFromJSON, type Nested } from "@kerno/model";
import type { Tensor } from "@kerno/tensor";
import { type ModelHandle, WorkerPool } from "./mod.ts";

function lstmModel(): Model<SymbolicTensor[]> {
  const x = Input({ shape: [3, 1] });
  const [seq, h] = new LSTM(2, { returnSequences: true, returnState: true })
    .apply(x) as SymbolicTensor[];
  return new Model({ inputs: x, outputs: [seq, h] });
}

const ROWS = [[[0.1], [0.2], [0.3]], [[0.5], [-0.4], [0.0]]];

Deno.test("WorkerPool.predict takes nested arrays as model.predict does, typed alike", async () => {
  const model = lstmModel();
  const want = model.predict(ROWS);
  await using pool = await WorkerPool.create({ workers: 1 });
  const got = await pool.predict(model, ROWS); // Tensor[], as model.predict
  assert.deepEqual(got.map((t) => t.shape), [[2, 3, 2], [2, 2]]);
  got.forEach((t, i) => assert.deepEqual(Array.from(t.data), Array.from(want[i].data)));
  await assert.rejects(pool.predict(model, [[["a"]]] as unknown as number[][][]), TypeError);
});

Deno.test("WorkerPool.predictOne refuses a model with several outputs before any worker runs", async () => {
  const model = lstmModel();
  await using pool = await WorkerPool.create({ workers: 1 });
  await assert.rejects(pool.predictOne(model, ROWS), {
    name: "TypeError",
    message: `Model "${model.name}" has 2 outputs (shapes (None, 3, 2), (None, 2)), but ` +
      "pool.predictOne() returns one tensor: use predict() for the outputs nested as the model " +
      "was built, or predictFlat() for a list of all 2",
  });
  const weights = model.weights[0].value.data.buffer;
  assert.ok(!(weights instanceof SharedArrayBuffer), "the model was not loaded into the pool");
  const x = Input({ shape: [3] });
  const loaded = modelFromJSON(
    new Model({ inputs: x, outputs: new Dense(2).apply(x) as SymbolicTensor }).toJSON(),
  );
  const y: Tensor = await pool.predictOne(loaded, [[1, 2, 3]]);
  assert.deepEqual(Array.from(y.data), Array.from(loaded.predictOne([[1, 2, 3]]).data));
});

/** Type-level checks of the pool's results; `deno check` runs them, nothing calls them. */
async function poolTypes(pool: WorkerPool, handle: ModelHandle): Promise<void> {
  const x = Input({ shape: [3] });
  const one = new Model({ inputs: x, outputs: new Dense(2).apply(x) as SymbolicTensor });
  const y: Tensor = await pool.predict(one, [[1, 2, 3]]);
  // @ts-expect-error a model with one output tensor does not predict a list
  const notList: Tensor[] = await pool.predict(one, [[1, 2, 3]]);
  const [seq, h]: Tensor[] = await pool.predict(lstmModel(), ROWS);
  // @ts-expect-error a model with a list of outputs does not predict one tensor
  const notOne: Tensor = await pool.predict(lstmModel(), ROWS);
  const loaded = modelFromJSON(one.toJSON());
  const nested: Nested<Tensor> = await pool.predict(loaded, [[1, 2, 3]]);
  // @ts-expect-error the output count of a loaded model is known only at run time
  const unknown: Tensor = await pool.predict(loaded, [[1, 2, 3]]);
  // @ts-expect-error nor that of a model loaded in the pool
  const fromHandle: Tensor = await pool.predict(handle, [[1, 2, 3]]);
  const typedOne: Tensor = await pool.predictOne(handle, [[1, 2, 3]]);
  const typedAll: Tensor[] = await pool.predictFlat(loaded, [[1, 2, 3]]);
  for await (const batch of pool.predictBatches(one, [])) {
    const b: Tensor = batch;
    void b;
  }
  void [y, notList, seq, h, notOne, nested, unknown, fromHandle, typedOne, typedAll];
}

Deno.test("WorkerPool's results are typed like model.predict (checked by deno check)", () => {
  assert.equal(typeof poolTypes, "function");
});
