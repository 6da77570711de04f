import assert from "node:assert/strict";
import { Dense, GRU, LSTM } from "@kerno/layers";
import { Input, Sequential } from "@kerno/model";
import {
  coreArithmetic,
  Random,
  Tensor,
  useDeterministicArithmetic,
  withDeterministicArithmetic,
} from "@kerno/tensor";
import { WorkerPool } from "./mod.ts";

function recurrentModel(): Sequential {
  return new Sequential([
    Input({ shape: [6, 5] }),
    new LSTM(12, { returnSequences: true }),
    new GRU(8),
    new Dense(3),
  ]);
}

function input(rows: number): Tensor {
  const rng = new Random(5);
  return new Tensor(Float32Array.from({ length: rows * 30 }, () => rng.uniform(-1, 1)), [
    rows,
    6,
    5,
  ]);
}

Deno.test("WorkerPool.predict follows the caller's arithmetic mode, bit-identical in both", async () => {
  const model = recurrentModel();
  const x = input(9);
  await using pool = await WorkerPool.create({ workers: 2, oversubscribe: true });
  const results: Float32Array[] = [];
  for (const deterministic of [true, false]) {
    const was = useDeterministicArithmetic(deterministic);
    try {
      const want = model.predictOne(x).data as Float32Array;
      for (const shardRows of [1, 4]) {
        const got = await pool.predictOne(model, x, { shardRows });
        assert.deepEqual(got.data, want, `deterministic ${deterministic}, shardRows ${shardRows}`);
      }
      // The option overrides the caller's setting, in the pool and in model.predict alike.
      const other = model.predictOne(x, { deterministic: !deterministic }).data;
      const pooled = await pool.predictOne(model, x, { deterministic: !deterministic });
      assert.deepEqual(pooled.data, other);
      results.push(want);
    } finally {
      useDeterministicArithmetic(was);
    }
  }
  // Where the CPU fuses multiply-adds, the two modes round differently, but only just.
  const fused = withDeterministicArithmetic(false, coreArithmetic) === "fused";
  let worst = 0;
  results[0].forEach((v, i) => worst = Math.max(worst, Math.abs(v - results[1][i])));
  assert.ok(worst < 1e-5, `modes differ by ${worst}`);
  if (fused) assert.ok(worst > 0, "fused and separate arithmetic gave the same bits");
  await assert.rejects(
    pool.predict(model, x, { deterministic: "yes" as unknown as boolean }),
    /deterministic must be true or false, received yes/,
  );
});
