/**
 * BatchNormalization folding: which BatchNormalizations fold (after a linear Dense; before a Dense
 * or a recurrent layer), that folded runs stay within the reference tolerance of unfolded ones on
 * the compute core and the JavaScript fallback, with masks, that a changed weight makes the folded
 * kernels again, that weights, summary and config do not change, and that a fold whose rounding
 * would cancel badly is not made.
 */
import assert from "node:assert/strict";
import { Tensor, useComputeCore } from "@kerno/tensor";
import {
  BatchNormalization,
  Bidirectional,
  Dense,
  GRU,
  LSTM,
  Masking,
  resetLayerNames,
  SimpleRNN,
  type SymbolicTensor,
} from "@kerno/layers";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";
import {
  inputFoldAmplification,
  MAX_INPUT_FOLD_AMPLIFICATION,
  planBatchNormFolds,
} from "./batchnorm_fold.ts";

/** Deterministic values in [-1, 1). */
function wave(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + seed));
}

/** Gives every BatchNormalization statistics and an affine part that are not the identity. */
function randomizeBatchNorms(model: Model, meanScale = 0.5): void {
  let seed = 1;
  for (const layer of model.layers) {
    if (!(layer instanceof BatchNormalization)) continue;
    const n = layer.movingMean!.shape[0];
    layer.gamma?.assign(wave(n, seed++).map((v) => 1 + 0.5 * v));
    layer.beta?.assign(wave(n, seed++).map((v) => 0.3 * v));
    layer.movingMean!.assign(wave(n, seed++).map((v) => meanScale * v));
    layer.movingVariance!.assign(wave(n, seed++).map((v) => 0.5 + 0.4 * v));
  }
}

function seq(rows: number, steps: number, features: number): Tensor {
  return new Tensor(wave(rows * steps * features, 3), [rows, steps, features]);
}

function maxDiff(a: readonly Tensor[], b: readonly Tensor[]): number {
  let d = 0;
  a.forEach((t, i) => t.f32.forEach((v, j) => (d = Math.max(d, Math.abs(v - b[i].f32[j])))));
  return d;
}

/** Whether every value is within the reference suite's tolerance, 1e-5 + 1e-5·|want|. */
function withinTolerance(got: readonly Tensor[], want: readonly Tensor[]): boolean {
  return got.every((t, i) =>
    t.f32.every((v, j) => Math.abs(v - want[i].f32[j]) <= 1e-5 + 1e-5 * Math.abs(want[i].f32[j]))
  );
}

function planOf(model: Model) {
  const graph = (model as unknown as { graph: { nodes: [] } }).graph;
  return planBatchNormFolds(graph.nodes, model.outputs);
}

/** Dense → BN, BN → LSTM, BN → Bidirectional(GRU), BN → Dense: each BN folds. */
function foldableModel(): Model {
  resetLayerNames();
  const inputs = Input({ shape: [5, 3] });
  let x = new BatchNormalization().apply(inputs) as SymbolicTensor;
  x = new LSTM(4, { returnSequences: true }).apply(x) as SymbolicTensor;
  x = new Dense(6).apply(x) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  x = new Bidirectional(new GRU(3)).apply(x) as SymbolicTensor;
  x = new BatchNormalization().apply(x) as SymbolicTensor;
  const y = new Dense(2, { activation: "tanh" }).apply(x) as SymbolicTensor;
  const model = new Model({ inputs, outputs: y });
  randomizeBatchNorms(model);
  return model;
}

Deno.test("planBatchNormFolds folds BN after a linear Dense and before Dense and recurrent layers", () => {
  const model = foldableModel();
  const plan = planOf(model);
  const skipped = [...plan.skip].map((n) => n.layer.name);
  assert.deepEqual(skipped, [
    "batch_normalization",
    "batch_normalization_1",
    "batch_normalization_2",
    "batch_normalization_3",
  ]);
  assert.deepEqual([...plan.runners.keys()].map((n) => n.layer.name), [
    "lstm",
    "dense",
    "bidirectional",
    "dense_1",
  ]);
});

Deno.test("planBatchNormFolds leaves a BN that is an output, read twice, on another axis or after relu", () => {
  resetLayerNames();
  const inputs = Input({ shape: [5, 3] });
  const a = new Dense(4, { activation: "relu" }).apply(inputs) as SymbolicTensor;
  const b = new BatchNormalization().apply(a) as SymbolicTensor; // after relu; read twice
  const c = new LSTM(2).apply(b) as SymbolicTensor;
  const d = new Dense(2).apply(b) as SymbolicTensor;
  const e = new BatchNormalization({ axis: 1 }).apply(d) as SymbolicTensor; // per timestep
  const f = new SimpleRNN(2).apply(e) as SymbolicTensor;
  const g = new BatchNormalization().apply(f) as SymbolicTensor; // a model output
  const model = new Model({ inputs, outputs: [c, g] });
  const plan = planOf(model);
  assert.equal(plan.skip.size, 0);
  assert.equal(plan.runners.size, 0);
});

Deno.test("Model.predict with BN folded stays within the reference tolerance of the unfolded run", () => {
  const model = foldableModel();
  const x = seq(7, 5, 3);
  const folded = model.predictFlat([x]);
  const plain = model.predictFlat([x], { foldBatchNorm: false });
  assert.ok(withinTolerance(folded, plain), `max |diff| ${maxDiff(folded, plain)}`);
  assert.ok(maxDiff(folded, plain) > 0); // the fold really ran
  model.foldBatchNorm = false;
  assert.deepEqual(model.predictFlat([x])[0].f32, plain[0].f32);
});

Deno.test("Model.predict makes the folded kernels again when a BN weight changes", () => {
  const model = foldableModel();
  const x = seq(4, 5, 3);
  const before = model.predictFlat([x]);
  const bn = model.getLayer("batch_normalization") as BatchNormalization;
  const mean = bn.movingMean!.value.f32.map((v) => v + 0.25);
  bn.movingMean!.assign(mean);
  const after = model.predictFlat([x]);
  const plain = model.predictFlat([x], { foldBatchNorm: false });
  assert.ok(maxDiff(after, before) > 1e-3, "the new statistics are used");
  assert.ok(withinTolerance(after, plain), `max |diff| ${maxDiff(after, plain)}`);
  // setWeights (what loading a file does) invalidates too.
  model.setWeights(model.getWeights().map((w) => new Tensor(w.f32.map((v) => v * 0.9), w.shape)));
  const again = model.predictFlat([x]);
  assert.ok(withinTolerance(again, model.predictFlat([x], { foldBatchNorm: false })));
});

Deno.test("Model.predict with folding leaves weights, summary and config as they were", () => {
  const model = foldableModel();
  const weights = model.getWeights().map((w) => w.f32.slice());
  const lines: string[] = [];
  model.summary((l) => lines.push(l));
  const json = model.toJSON();
  const params = model.countParams();
  model.predictFlat([seq(3, 5, 3)]);
  model.getWeights().forEach((w, i) => assert.deepEqual(w.f32, weights[i]));
  const after: string[] = [];
  model.summary((l) => after.push(l));
  assert.deepEqual(after, lines);
  assert.equal(model.toJSON(), json);
  assert.equal(model.countParams(), params);
});

Deno.test("Model.predict runs a BN before a layer as it is when folding would cancel badly", () => {
  resetLayerNames();
  const inputs = Input({ shape: [5, 3] });
  const bn = new BatchNormalization();
  const y = new LSTM(4).apply(bn.apply(inputs) as SymbolicTensor) as SymbolicTensor;
  const model = new Model({ inputs, outputs: y });
  randomizeBatchNorms(model, 40); // means far from 0 against a spread of about 1
  assert.ok(inputFoldAmplification(bn) > MAX_INPUT_FOLD_AMPLIFICATION);
  const x = new Tensor(wave(4 * 15, 5).map((v) => 40 * Math.sin(v) + v), [4, 5, 3]);
  assert.deepEqual(
    model.predictFlat([x])[0].f32,
    model.predictFlat([x], { foldBatchNorm: false })[0].f32,
  );
});

Deno.test("Model.predict folds BN on the JavaScript fallback as on the compute core", () => {
  const model = foldableModel();
  const x = seq(5, 5, 3);
  const was = useComputeCore(false);
  try {
    const folded = model.predictFlat([x]);
    const plain = model.predictFlat([x], { foldBatchNorm: false });
    assert.ok(maxDiff(folded, plain) > 0);
    assert.ok(withinTolerance(folded, plain), `max |diff| ${maxDiff(folded, plain)}`);
  } finally {
    useComputeCore(was);
  }
});

Deno.test("Model.predict folds a BN between Masking and an LSTM and keeps the mask", () => {
  resetLayerNames();
  const inputs = Input({ shape: [5, 3] });
  const masked = new Masking({ maskValue: 0 }).apply(inputs) as SymbolicTensor;
  const normed = new BatchNormalization().apply(masked) as SymbolicTensor;
  const y = new LSTM(4, { returnSequences: true }).apply(normed) as SymbolicTensor;
  const model = new Model({ inputs, outputs: y });
  randomizeBatchNorms(model);
  assert.equal(planOf(model).skip.size, 1);
  const data = wave(3 * 15, 2);
  data.fill(0, 6, 12); // row 0, steps 2 and 3 masked
  data.fill(0, 15 + 9, 15 + 15); // row 1, the last two steps masked
  const x = new Tensor(data, [3, 5, 3]);
  const folded = model.predictFlat([x]);
  const plain = model.predictFlat([x], { foldBatchNorm: false });
  assert.ok(withinTolerance(folded, plain), `max |diff| ${maxDiff(folded, plain)}`);
  // A masked step repeats the previous output.
  const out = folded[0].f32;
  assert.deepEqual(out.slice(2 * 4, 3 * 4), out.slice(4, 2 * 4));
  assert.deepEqual(out.slice(20 + 16, 20 + 20), out.slice(20 + 8, 20 + 12));
});
