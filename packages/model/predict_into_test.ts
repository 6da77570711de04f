import assert from "node:assert/strict";
import { Bidirectional, Dense, LSTM, resetLayerNames } from "@kerno/layers";
import { Random, Tensor } from "@kerno/tensor";
import { Input, Model, Sequential } from "./mod.ts";

function randomInput(shape: number[], seed: number): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

function biModel(): Sequential {
  resetLayerNames();
  return new Sequential([
    Input({ shape: [5, 3] }),
    new Bidirectional(new LSTM(4, { returnSequences: true })),
  ]);
}

Deno.test("predict writes into the given arrays, bit-identical to a fresh result", () => {
  const model = biModel();
  const x = randomInput([7, 5, 3], 1);
  const plain = model.predictFlat([x], { batchSize: 7 })[0];
  for (const batchSize of [7, 3, 1]) {
    const dest = new Float32Array(7 * 5 * 8).fill(NaN);
    const [y] = model.predictFlat([x], { batchSize, into: [dest] });
    assert.equal(y.data, dest);
    assert.deepEqual(y.shape, [7, 5, 8]);
    assert.deepEqual([...dest], [...plain.f32]);
  }
});

Deno.test("batched predict without into equals one batch, bit for bit", () => {
  const model = biModel();
  const x = randomInput([7, 5, 3], 2);
  const whole = model.predictFlat([x], { batchSize: 7 })[0];
  const batched = model.predictFlat([x], { batchSize: 2 })[0];
  assert.deepEqual(batched.shape, [7, 5, 8]);
  assert.deepEqual([...batched.f32], [...whole.f32]);
});

Deno.test("into works for layers that ignore it (the model copies) and skips null entries", () => {
  resetLayerNames();
  const inp = Input({ shape: [4] });
  const a = new Dense(2).apply(inp);
  const b = new Dense(3).apply(inp);
  const model = new Model({ inputs: inp, outputs: [a, b] });
  const x = randomInput([5, 4], 3);
  const [pa, pb] = model.predictFlat([x]);
  const dest = new Float32Array(10);
  const [ya, yb] = model.predictFlat([x], { batchSize: 2, into: [dest, null] });
  assert.equal(ya.data, dest);
  assert.deepEqual([...dest], [...pa.f32]);
  assert.deepEqual([...yb.f32], [...pb.f32]);
});

Deno.test("into is checked before any work", () => {
  const model = biModel();
  const x = randomInput([2, 5, 3], 4);
  assert.throws(
    () => model.predictFlat([x], { into: [] }),
    /Model "sequential": predict\(\) option `into` must list 1 array\(s\) \(one per output, null to skip one\), received 0/,
  );
  assert.throws(
    () => model.predictFlat([x], { into: [new Float32Array(3)] }),
    /Model "sequential": into\[0\] must hold 80 values for output 0 of shape \(2, 5, 8\), received 3/,
  );
  assert.throws(
    () => model.predictFlat([x], { into: [new Int32Array(80)] }),
    /Model "sequential": into\[0\] must be a Float32Array for output 0 \(float32\), received Int32Array/,
  );
});
