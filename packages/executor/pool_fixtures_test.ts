/**
 * The pool on real Keras models: every result must be bit-identical to `model.predict` on the
 * main thread and within the reference tolerance of what Keras 3.15.1 predicted.
 */
import assert from "node:assert/strict";
import { blasStatus, type Tensor, withBlas } from "@kerno/tensor";
import { type PoolModel, WorkerPool } from "./mod.ts";
import { assertClose, readCase } from "./testdata/fixtures.ts";

function assertBitIdentical(got: readonly Tensor[], want: readonly Tensor[], what: string): void {
  assert.equal(got.length, want.length, `${what}: output count`);
  got.forEach((g, i) => {
    assert.deepEqual(g.shape, want[i].shape, `${what}: output ${i} shape`);
    assert.deepEqual(g.data, want[i].data.slice(), `${what}: output ${i} bits`);
  });
}

function flat(x: unknown): Tensor[] {
  return Array.isArray(x) ? x.flat(Infinity) as Tensor[] : [x as Tensor];
}

const CASES = [
  "lstm_seq_state", // 3 outputs, 2 rows (fewer than the workers)
  "batch37_lstm_seq_state", // odd batch
  "batch37_bidi_gru_mask", // Masking + Bidirectional, per-row padding
  "bidi_lstm_initial_state", // 5 inputs, initial_state graph
  "bidi_custom_backward_layer", // real output (…, 7) where Keras declares (…, 8)
  "embedding_mask_initial_state", // int32 ids, mask, initial_state from other inputs
  "shared_layer_two_inputs", // one layer called twice
  "variable_timesteps_lstm", // output shapes known only at run time
  "rnn_stacked_cells_state", // nested output structure
];

Deno.test("WorkerPool.predict on fixture models is bit-identical to model.predict", async () => {
  await using pool = await WorkerPool.create({ workers: 3, oversubscribe: true });
  for (const name of CASES) {
    const { model, runs } = readCase(name);
    const asPoolModel: PoolModel = model; // @kerno/model's Model fits the pool's contract
    assert.equal(asPoolModel.inputs.length, runs[0].inputs.length);
    for (const [r, run] of runs.entries()) {
      const want = model.predictFlat(run.inputs);
      for (const shardRows of [undefined, 1, 4]) {
        const nested = await pool.predict(model, run.inputs, { shardRows });
        const got = flat(nested);
        assertBitIdentical(got, want, `${name} run ${r} shardRows ${shardRows}`);
        got.forEach((g, i) => assertClose(g, run.outputs[i], `${name} run ${r} output ${i}`));
      }
      const structure = model.predict(run.inputs);
      const nested = await pool.predict(model, run.inputs);
      assert.equal(Array.isArray(nested), Array.isArray(structure), name);
      if (Array.isArray(structure)) {
        assert.deepEqual(
          (nested as unknown[]).map((v) => Array.isArray(v)),
          structure.map((v) => Array.isArray(v)),
          `${name} nesting`,
        );
      }
    }
  }
});

Deno.test("WorkerPool.predict matches model.predict with 1 and 4 workers", async () => {
  const { model, runs } = readCase("batch37_bidi_gru_mask");
  const want = model.predictFlat(runs[0].inputs);
  for (const workers of [1, 4]) {
    await using pool = await WorkerPool.create({ workers, oversubscribe: true });
    assertBitIdentical(await pool.predictFlat(model, runs[0].inputs), want, `${workers} workers`);
  }
});

Deno.test("WorkerPool.predict keeps a stateful model's state in its home worker", async () => {
  await using pool = await WorkerPool.create({ workers: 2 });
  const { model, runs } = readCase("stateful_lstm");
  const reference = readCase("stateful_lstm").model;
  const handle = await pool.load(model);
  assert.equal(handle.stateful, true);
  for (const [r, run] of runs.entries()) {
    if (run.before === "reset_states") {
      await pool.resetStates(handle);
      reference.resetStates();
    }
    const got = await pool.predictFlat(handle, run.inputs);
    assertBitIdentical(got, reference.predictFlat(run.inputs), `stateful run ${r}`);
    assertClose(got[0], run.outputs[0], `stateful run ${r}`);
  }
});

Deno.test("WorkerPool.load passes Keras 2's hard_sigmoid on to the workers", async () => {
  await using pool = await WorkerPool.create({ workers: 2 });
  const { model, runs } = readCase("gru_reset_after_false_hard_sigmoid", {
    keras2HardSigmoid: true,
  });
  const want = model.predictFlat(runs[0].inputs);
  assert.notDeepEqual(want[0].data, runs[0].outputs[0].data, "Keras 2 reading differs");
  assertBitIdentical(await pool.predictFlat(model, runs[0].inputs), want, "keras2 hard_sigmoid");
});

/** The system BLAS, when there is one and the FFI permission is granted. */
const blas = withBlas(true, blasStatus);
if (!blas.active) console.log(`BLAS pool tests skipped: ${blas.reason}`);

Deno.test({
  name: "WorkerPool.predict with the BLAS backend is bit-identical to model.predict with it",
  ignore: !blas.active,
  async fn() {
    await using pool = await WorkerPool.create({ workers: 3, blas: true });
    assert.equal(pool.blas.active, true);
    assert.equal(pool.blas.kernel, blas.kernel);
    for (const name of CASES) {
      const { model, runs } = readCase(name);
      for (const [r, run] of runs.entries()) {
        const want = model.predictFlat(run.inputs, { blas: true });
        for (const shardRows of [undefined, 1, 4]) {
          const got = flat(await pool.predict(model, run.inputs, { shardRows }));
          assertBitIdentical(got, want, `${name} run ${r} shardRows ${shardRows} (BLAS)`);
          got.forEach((g, i) => assertClose(g, run.outputs[i], `${name} run ${r} output ${i}`));
        }
      }
    }
  },
});

Deno.test("WorkerPool.create with a missing BLAS library says why and runs the WebAssembly core", async () => {
  await using pool = await WorkerPool.create({ workers: 2, blas: "/nonexistent/libkerno-nope.so" });
  assert.equal(pool.blas.active, false);
  assert.match(pool.blas.reason ?? "", /libkerno-nope\.so|--allow-ffi/);
  const { model, runs } = readCase("lstm_seq_state");
  assertBitIdentical(
    flat(await pool.predict(model, runs[0].inputs)),
    model.predictFlat(runs[0].inputs),
    "fallback",
  );
});
