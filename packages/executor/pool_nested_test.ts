import assert from "node:assert/strict";
import { LSTM, type SymbolicTensor } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import type { Tensor } from "@kerno/tensor";
import { WorkerPool } from "./mod.ts";

Deno.test("WorkerPool.predict takes nested arrays as model.predict does", async () => {
  const x = Input({ shape: [3, 1] });
  const [seq, h] = new LSTM(2, { returnSequences: true, returnState: true })
    .apply(x) as SymbolicTensor[];
  const model = new Model({ inputs: x, outputs: [seq, h] });
  const rows = [[[0.1], [0.2], [0.3]], [[0.5], [-0.4], [0.0]]];
  const want = model.predict(rows) as Tensor[];
  await using pool = await WorkerPool.create({ workers: 1 });
  const got = await pool.predict(model, rows) as Tensor[];
  assert.deepEqual(got.map((t) => t.shape), [[2, 3, 2], [2, 2]]);
  got.forEach((t, i) => assert.deepEqual(Array.from(t.data), Array.from(want[i].data)));
  await assert.rejects(pool.predict(model, [[["a"]]] as unknown as number[][][]), TypeError);
});
