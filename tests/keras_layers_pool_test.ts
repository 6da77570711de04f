/**
 * The worker pool on models with the layers beside the recurrent ones (normalization, pooling
 * with a mask, Dot/Softmax attention, nested models): every result must be bit-identical to
 * `model.predict` on the main thread, however the batch is split across workers. Models with a
 * Lambda layer and layer classes of the user's run with a setup module (`_pool_setup.ts`) and are
 * refused, naming the layers, without one.
 */
import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { importSetup, WorkerPool } from "@kerno/executor";
import { loadModel } from "@kerno/io";
import {
  BatchNormalization,
  Bidirectional,
  Dense,
  GRU,
  LSTM,
  resetLayerNames,
  type SymbolicTensor,
} from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { lambdaAndCustomModel, SETUP } from "./_lambda_custom_model.ts";
import { fixtureTensor, readCase } from "../scripts/_reference/case.ts";
import { loadCaseModel } from "../scripts/_reference/load_case_model.ts";

const DIR = decodeURIComponent(new URL("./fixtures/keras-layers", import.meta.url).pathname);

const CASES = [
  "bn_after_lstm", // BatchNormalization with moving statistics, folded into the Dense after it
  "bn_input_3d", // BatchNormalization folded into the LSTM's input projection
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

// ---- Lambda bodies and layer classes of the user's, through a setup module ----

const SETUP_ATTENTION = new URL("./_pool_setup_attention.ts", import.meta.url);
const ATTENTION_DOT = `${DIR}/attention_dot`;

/** 11 rows of (6, 3). */
function rowsOf(rows = 11): Tensor {
  return tensor(Float32Array.from({ length: rows * 18 }, (_, i) => Math.sin(0.37 * i)), [
    rows,
    6,
    3,
  ]);
}

function assertBits(got: Tensor[], want: Tensor[], what: string): void {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => {
    assert.deepEqual(g.shape, want[i].shape, `${what} output ${i} shape`);
    assert.deepEqual(g.data, want[i].data.slice(), `${what} output ${i} bits`);
  });
}

Deno.test("WorkerPool without a setup module refuses a Lambda and a custom layer, naming both", async () => {
  const model = await lambdaAndCustomModel();
  await using pool = await WorkerPool.create({ workers: 1 });
  await assert.rejects(() => pool.predict(model, rowsOf()), (e: Error) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /^Model "functional" cannot run in the worker pool: its workers/);
    assert.match(e.message, /and no setup module was given\. Missing:\n/);
    assert.match(
      e.message,
      / {2}- Lambda layer "reverse": input \(None, 6, 4\) -> output \(None, 6, 4\) \(needs its body\)\n/,
    );
    assert.match(e.message, / {2}- layer "attention_pooling" of class AttentionPooling/);
    assert.match(e.message, /WorkerPool\.create\(\{ setup: new URL\("\.\/my_layers\.ts"/);
    assert.match(
      e.message,
      /--setup my_layers\.ts\), exporting lambdas = \{ "reverse": \(x\) => … \}/,
    );
    assert.match(e.message, /and customObjects = \{ AttentionPooling: \(config, options\) => … \}/);
    return true;
  });
  assert.equal(pool.liveWorkers, 1); // refused before any worker was asked
});

Deno.test("WorkerPool with a setup module runs a Lambda and a custom layer bit-identically", async () => {
  const model = await lambdaAndCustomModel();
  const x = rowsOf();
  const want = model.predictFlat([x]);
  for (const workers of [1, 2, 3]) {
    await using pool = await WorkerPool.create({ workers, oversubscribe: true, setup: SETUP });
    for (const shardRows of [undefined, 1, 3, 5]) {
      for (const batchSize of [undefined, 2]) {
        const got = flat(await pool.predict(model, x, { shardRows, batchSize }));
        assertBits(got, want, `${workers} workers, shardRows ${shardRows}, batch ${batchSize}`);
      }
    }
  }
});

Deno.test("WorkerPool runs a Keras file's Attention as the user's class only with a setup module", async () => {
  const c = await readCase(ATTENTION_DOT);
  const model = await loadModel(`${ATTENTION_DOT}/model.keras`, await importSetup(SETUP_ATTENTION));
  assert.equal(model.getLayer("attention").constructor.name, "DotAttention");
  const inputs = c.inputs.map(fixtureTensor);
  const want = model.predictFlat(inputs);
  const keras = fixtureTensor(c.outputs[0]);
  assert.ok(
    want[0].f32.every((v, i) => Math.abs(v - keras.f32[i]) <= 1e-5 + 1e-5 * Math.abs(keras.f32[i])),
  );
  {
    // Without it the workers would build Kerno's own Attention: other numbers, so refused.
    await using pool = await WorkerPool.create({ workers: 1 });
    await assert.rejects(
      () => pool.predict(model, inputs),
      /Model "functional" cannot run in the worker pool: its workers rebuilt it with other layer classes, which would give other numbers:\n {2}- layer "attention" \(Keras class Attention\) is a DotAttention here, but the workers built it as Attention\n/,
    );
  }
  // One pool, two setup modules, two models: each model gets the bodies of its own Lambdas.
  const other = await lambdaAndCustomModel();
  const x = rowsOf();
  await using pool = await WorkerPool.create({
    workers: 2,
    oversubscribe: true,
    setup: [SETUP, SETUP_ATTENTION],
  });
  assertBits(flat(await pool.predict(other, x)), other.predictFlat([x]), "the other model");
  for (const shardRows of [undefined, 1]) {
    assertBits(
      flat(await pool.predict(model, inputs, { shardRows })),
      want,
      `shardRows ${shardRows}`,
    );
  }
});

Deno.test("WorkerPool.create names a setup module that does not import or exports the wrong thing", async () => {
  const missing = new URL("./no_such_setup.ts", import.meta.url);
  await assert.rejects(
    () => WorkerPool.create({ workers: 1, setup: missing }),
    (e: Error) => {
      assert.match(
        e.message,
        /^WorkerPool could not start its workers: Setup module file:\/\/.*\/tests\/no_such_setup\.ts could not be imported: /,
      );
      assert.doesNotMatch(e.message, /after bundling/);
      return true;
    },
  );
  await assert.rejects(
    () =>
      WorkerPool.create({ workers: 1, setup: "data:text/javascript,export const lambdas = 5;" }),
    /Setup module data:text\/javascript,export const lambdas = 5;: export "lambdas" must be an object of Lambda bodies by layer name, received number/,
  );
  // A module that supplies a misnamed body: the refusal says what it does supply.
  const misnamed = "data:text/javascript,export const lambdas = { revers: (x) => x };";
  const model = await lambdaAndCustomModel();
  await using pool = await WorkerPool.create({ workers: 1, setup: misnamed });
  await assert.rejects(
    () => pool.predict(model, rowsOf()),
    /and the setup module data:text\/javascript,.* supply lambdas for "revers"\. Missing:\n {2}- Lambda layer "reverse"/,
  );
});

/** Dense → BN (folded into the Dense), BN → Bidirectional(GRU) and BN → LSTM (folded into them). */
function batchNormModel(): Model {
  resetLayerNames();
  const inputs = Input({ shape: [6, 3] });
  let x = new Dense(5).apply(inputs) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  x = new Bidirectional(new GRU(3, { returnSequences: true })).apply(x) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  const model = new Model({ inputs, outputs: new LSTM(2).apply(x) as SymbolicTensor });
  let seed = 0;
  const wave = (n: number, scale: number, shift: number) =>
    Float32Array.from({ length: n }, (_, i) => shift + scale * Math.sin(0.9 * i + seed++));
  for (const l of model.layers) {
    if (!(l instanceof BatchNormalization)) continue;
    const n = l.movingMean!.shape[0];
    l.gamma!.assign(wave(n, 0.4, 1));
    l.beta!.assign(wave(n, 0.3, 0));
    l.movingMean!.assign(wave(n, 0.5, 0));
    l.movingVariance!.assign(wave(n, 0.3, 0.6));
  }
  return model;
}

Deno.test("WorkerPool folds BatchNormalization as model.predict does, bit for bit", async () => {
  const model = batchNormModel();
  const x = rowsOf();
  const folded = model.predictFlat([x]);
  const plain = model.predictFlat([x], { foldBatchNorm: false });
  assert.notDeepEqual(folded[0].data, plain[0].data); // the folds ran
  await using pool = await WorkerPool.create({ workers: 2, oversubscribe: true });
  for (const shardRows of [undefined, 1, 4]) {
    assertBits(flat(await pool.predict(model, x, { shardRows })), folded, `shardRows ${shardRows}`);
  }
  assertBits(flat(await pool.predict(model, x, { foldBatchNorm: false })), plain, "unfolded call");
  model.foldBatchNorm = false;
  assertBits(flat(await pool.predict(model, x, { shardRows: 3 })), plain, "unfolded model");
});
