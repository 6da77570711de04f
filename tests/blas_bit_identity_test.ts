/**
 * Bit-identity on the native BLAS backend: a row's result must not depend on the rows beside it,
 * so `model.predict` on any slice of a batch, and the pool with any worker count and shard
 * size, give the same bits as `model.predict` on the whole batch. The layers are large enough
 * that their products run on BLAS (small ones stay on the WebAssembly core), and every result
 * stays within the reference tolerance of the WebAssembly core's. Skipped, with the reason
 * printed, where no BLAS library can be used.
 */
import assert from "node:assert/strict";
import { Input, layers, Model, type SymbolicTensor, Tensor, WorkerPool } from "@kerno/kerno";
import { blasStatus, Random, withBlas } from "@kerno/tensor";

const status = withBlas(true, blasStatus);
if (!status.active) console.log(`BLAS bit-identity tests skipped: ${status.reason}`);

const BATCH = 37, STEPS = 6, FEATURES = 32;

function models(): [string, Model][] {
  const build = (name: string, layer: { apply(x: SymbolicTensor): unknown }) => {
    const inputs = Input({ shape: [STEPS, FEATURES] });
    return [name, new Model({ inputs, outputs: layer.apply(inputs) as SymbolicTensor })] as [
      string,
      Model,
    ];
  };
  return [
    build("LSTM(64)", new layers.LSTM(64, { returnSequences: true })),
    build("GRU(64)", new layers.GRU(64)),
    build("GRU(64, resetAfter false)", new layers.GRU(64, { resetAfter: false })),
    build("SimpleRNN(96)", new layers.SimpleRNN(96)),
    build("Bidirectional(LSTM(48))", new layers.Bidirectional(new layers.LSTM(48))),
    // Its concatenated sequences are written in place into one result array on this backend.
    build(
      "Bidirectional(GRU(40), returnSequences)",
      new layers.Bidirectional(new layers.GRU(40, { returnSequences: true })),
    ),
    build("Dense(96) on every timestep", new layers.Dense(96, { activation: "tanh" })),
  ];
}

function input(): Tensor {
  const rng = new Random(7);
  const data = new Float32Array(BATCH * STEPS * FEATURES).map(() => rng.uniform(-1, 1));
  return new Tensor(data, [BATCH, STEPS, FEATURES]);
}

function rows(t: Tensor, start: number, end: number): Tensor {
  const per = t.size / t.shape[0];
  return new Tensor(t.f32.slice(start * per, end * per), [end - start, ...t.shape.slice(1)]);
}

Deno.test({
  name: "BLAS backend: a row's result does not depend on the other rows of its batch",
  ignore: !status.active,
  fn() {
    const x = input();
    for (const [name, model] of models()) {
      const whole = model.predictFlat([x], { blas: true, batchSize: BATCH })[0];
      const onWasm = model.predictFlat([x], { blas: false, batchSize: BATCH })[0];
      // Where the library's kernel is not row-independent for a shape (e.g. OpenBLAS's Haswell
      // kernels), that product stays on the WebAssembly core and both results are the same.
      if (whole.f32.every((v, i) => v === onWasm.f32[i])) {
        console.log(`${name}: no product on BLAS`);
      }
      whole.f32.forEach((v, i) => {
        const w = onWasm.f32[i];
        assert.ok(Math.abs(v - w) <= 1e-5 + 1e-5 * Math.abs(w), `${name}[${i}]: ${v} vs ${w}`);
      });
      const per = whole.size / BATCH;
      for (const [start, end] of [[0, 1], [3, 5], [5, 6], [9, 37], [20, 36]]) {
        const part = model.predictFlat([rows(x, start, end)], { blas: true })[0];
        assert.deepEqual(
          part.f32,
          whole.f32.slice(start * per, end * per),
          `${name} rows ${start}..${end}`,
        );
      }
    }
  },
});

Deno.test({
  name: "BLAS backend: the pool is bit-identical to model.predict for every worker count and shard",
  ignore: !status.active,
  async fn() {
    const x = input();
    const all = models();
    for (const workers of [2, 3]) {
      await using pool = await WorkerPool.create({ workers, blas: true, oversubscribe: true });
      assert.equal(pool.blas.active, true);
      for (const [name, model] of all) {
        const want = model.predictFlat([x], { blas: true })[0];
        for (const shardRows of [undefined, 1, 5]) {
          const got = (await pool.predictFlat(model, [x], { shardRows }))[0];
          assert.deepEqual(
            got.f32,
            want.f32,
            `${name}, ${workers} workers, shardRows ${shardRows}`,
          );
        }
      }
    }
  },
});

Deno.test({
  name: "BLAS backend: batches larger than the core's row blocks (GRU's step buffer)",
  ignore: !status.active,
  fn() {
    const inputs = Input({ shape: [2, FEATURES] });
    for (const resetAfter of [true, false]) {
      const gru = new layers.GRU(64, { resetAfter });
      const model = new Model({ inputs, outputs: gru.apply(inputs) as SymbolicTensor });
      const rng = new Random(9);
      const x = new Tensor(new Float32Array(600 * 2 * FEATURES).map(() => rng.uniform(-1, 1)), [
        600,
        2,
        FEATURES,
      ]);
      const want = model.predictFlat([x], { blas: false, batchSize: 600 })[0].f32;
      const got = model.predictFlat([x], { blas: true, batchSize: 600 })[0].f32;
      got.forEach((v, i) =>
        assert.ok(
          Math.abs(v - want[i]) <= 1e-5 + 1e-5 * Math.abs(want[i]),
          `resetAfter ${resetAfter} [${i}]`,
        )
      );
    }
  },
});

Deno.test({
  name: "BLAS backend: a one-batch call large enough to be paced is bit-identical too",
  ignore: !status.active,
  async fn() {
    // 700 rows in one batch on 2 workers: first shards of 263 rows, then paced ones.
    const rng = new Random(11);
    const n = 700;
    const x = new Tensor(
      new Float32Array(n * STEPS * FEATURES).map(() => rng.uniform(-1, 1)),
      [n, STEPS, FEATURES],
    );
    await using pool = await WorkerPool.create({ workers: 2, blas: true, oversubscribe: true });
    for (const [name, model] of models().slice(0, 2)) {
      const want = model.predictFlat([x], { blas: true, batchSize: n })[0];
      for (let i = 0; i < 3; i++) {
        const got = (await pool.predictFlat(model, [x], { batchSize: n }))[0];
        assert.deepEqual(got.f32, want.f32, `${name}, call ${i}`);
      }
    }
  },
});

Deno.test({
  name: "BLAS backend: batches of 64 rows or more project straight from the input, same bits",
  ignore: !status.active,
  fn() {
    // With 64 rows or more the loop projects a step at a time, reading the rows where they are
    // in the input; under 64 it gathers them first. A row's bits must not change.
    const n = 100, steps = 7;
    const rng = new Random(13);
    const data = new Float32Array(n * steps * FEATURES).map(() => rng.uniform(-1, 1));
    for (let r = 0; r < n; r += 9) {
      data.fill(0, (r * steps + 2) * FEATURES, (r * steps + 3) * FEATURES);
    }
    const x = new Tensor(data, [n, steps, FEATURES]);
    const build = (name: string, make: (t: SymbolicTensor) => SymbolicTensor) => {
      const inputs = Input({ shape: [steps, FEATURES] });
      return [name, new Model({ inputs, outputs: make(inputs) })] as const;
    };
    const cases = [
      build(
        "LSTM(64, goBackwards)",
        (t) => new layers.LSTM(64, { goBackwards: true }).apply(t) as SymbolicTensor,
      ),
      build(
        "Masking + GRU(48, returnSequences)",
        (t) =>
          new layers.GRU(48, { returnSequences: true }).apply(
            new layers.Masking({ maskValue: 0 }).apply(t) as SymbolicTensor,
          ) as SymbolicTensor,
      ),
      build(
        "Bidirectional(LSTM(40))",
        (t) => new layers.Bidirectional(new layers.LSTM(40)).apply(t) as SymbolicTensor,
      ),
    ];
    for (const [name, model] of cases) {
      const whole = model.predictFlat([x], { blas: true, batchSize: n })[0];
      const per = whole.size / n;
      for (let start = 0; start < n; start += 25) {
        const part = model.predictFlat([rows(x, start, start + 25)], { blas: true })[0];
        assert.deepEqual(
          part.f32,
          whole.f32.slice(start * per, (start + 25) * per),
          `${name} rows ${start}..`,
        );
      }
    }
  },
});
