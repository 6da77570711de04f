/**
 * The worker pool on models with the layers beside the recurrent ones (normalization, pooling
 * with a mask, Dot/Softmax attention, nested models): every result must be bit-identical to
 * `model.predict` on the main thread, however the batch is split across workers.
 */
import assert from "node:assert/strict";
import type { Tensor } from "@kerno/tensor";
import { WorkerPool } from "@kerno/executor";
import { fixtureTensor, readCase } from "../scripts/_reference/case.ts";
import { loadCaseModel } from "../scripts/_reference/load_case_model.ts";

const DIR = decodeURIComponent(new URL("./fixtures/keras-layers", import.meta.url).pathname);

const CASES = [
  "bn_after_lstm", // BatchNormalization with moving statistics
  "layernorm_variants", // per-row statistics
  "gap1d_mask", // mask-aware average over time
  "dot_scores_seq2seq", // two inputs, Dot + Softmax over time
  "nested_sequential_layer", // one Sequential block called on two inputs
  "repeatvector_autoencoder", // RepeatVector + TimeDistributed
];

function flat(x: unknown): Tensor[] {
  return Array.isArray(x) ? x.flat(Infinity) as Tensor[] : [x as Tensor];
}

Deno.test("WorkerPool.predict on keras-layers models is bit-identical to model.predict", async () => {
  await using pool = await WorkerPool.create({ workers: 2 });
  for (const name of CASES) {
    const c = await readCase(`${DIR}/${name}`);
    const model = await loadCaseModel(`${DIR}/${name}`, c, "config");
    const inputs = c.inputs.map(fixtureTensor);
    const want = model.predictFlat(inputs);
    for (const shardRows of [undefined, 1]) {
      const got = flat(await pool.predict(model, inputs, { shardRows }));
      assert.equal(got.length, want.length, name);
      got.forEach((g, i) => {
        assert.deepEqual(g.shape, want[i].shape, `${name} output ${i} shape`);
        assert.deepEqual(g.data, want[i].data.slice(), `${name} output ${i} bits`);
      });
    }
  }
});
