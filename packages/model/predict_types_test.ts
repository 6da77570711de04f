import assert from "node:assert/strict";
import { Dense, LSTM, type Nested, resetLayerNames, type SymbolicTensor } from "@kerno/layers";
import { Tensor, tensor } from "@kerno/tensor";
import { Input } from "./input_layer.ts";
import { Model, type PredictOutput } from "./model.ts";
import { modelFromJSON } from "./from_config.ts";
import { Sequential } from "./sequential.ts";

// `deno check` (and `deno test`, which type-checks first) fails when a line below that should
// type-check does not, or when a `@ts-expect-error` line type-checks.

function lstmModel(): Model<SymbolicTensor[]> {
  const x = Input({ shape: [3, 1] });
  const [seq, h, c] = new LSTM(2, { returnSequences: true, returnState: true })
    .apply(x) as SymbolicTensor[];
  return new Model({ inputs: x, outputs: [seq, h, c] });
}

function denseModel(): Model<SymbolicTensor> {
  const x = Input({ shape: [3] });
  const y = new Dense(2).apply(x) as SymbolicTensor;
  return new Model({ inputs: x, outputs: y });
}

const X3 = [[[0.1], [0.2], [0.3]]];

Deno.test("Model.predict is typed by outputs: Tensor for one tensor, Tensor[] for a list", () => {
  resetLayerNames();
  const one = denseModel();
  const y: Tensor = one.predict([[1, 2, 3]]);
  assert.ok(y instanceof Tensor);
  assert.deepEqual(y.shape, [1, 2]);
  // @ts-expect-error a model with one output tensor does not predict a list
  const notList: Tensor[] = one.predict([[1, 2, 3]]);
  assert.ok(!Array.isArray(notList));

  const three = lstmModel();
  const [seq, h, c] = three.predict(X3);
  assert.deepEqual([seq.shape, h.shape, c.shape], [[1, 3, 2], [1, 2], [1, 2]]);
  // @ts-expect-error a model with a list of outputs does not predict one tensor
  const notOne: Tensor = three.predict(X3);
  assert.ok(Array.isArray(notOne));

  // The inferred type, without annotations.
  const inferred = new Model({ inputs: one.inputs[0], outputs: one.outputs });
  const list: Tensor[] = inferred.predict([[1, 2, 3]]);
  assert.equal(list.length, 1);
});

Deno.test("Model.predict of a model known only at run time is Nested<Tensor>; predictOne and predictFlat are typed", () => {
  resetLayerNames();
  const loaded = modelFromJSON(denseModel().toJSON());
  const nested: Nested<Tensor> = loaded.predict([[1, 2, 3]]);
  assert.ok(nested instanceof Tensor);
  // @ts-expect-error the output count of a model read from JSON is known only at run time
  const notTyped: Tensor = loaded.predict([[1, 2, 3]]);
  assert.ok(notTyped instanceof Tensor);
  const one: Tensor = loaded.predictOne([[1, 2, 3]]);
  const all: Tensor[] = loaded.predictFlat([[1, 2, 3]]);
  assert.deepEqual([one.shape, all.length], [[1, 2], 1]);
  assert.deepEqual(Array.from(one.data), Array.from(all[0].data));

  const stack = new Sequential([new LSTM(2, { inputShape: [3, 1] }), new Dense(1)]);
  // @ts-expect-error a Sequential's last layer may return several tensors
  const notSure: Tensor = stack.predict(X3);
  assert.ok(notSure instanceof Tensor);
  assert.deepEqual(stack.predictOne(X3).shape, [1, 1]);
});

Deno.test("Model of any output type is a Model (as loadModel, saveModel and the pool take it)", () => {
  resetLayerNames();
  const take = (m: Model): string => m.name;
  assert.deepEqual([take(denseModel()), take(lstmModel())], ["functional", "functional_1"]);
  const takeList = (m: Model<SymbolicTensor[]>): number => m.outputs.length;
  // @ts-expect-error a model with one output is not a model with a list of outputs
  assert.equal(takeList(denseModel()), 1);
  // @ts-expect-error a model known only at run time is not a model with a list of outputs
  assert.equal(takeList(new Sequential([new Dense(1, { inputShape: [2] })])), 1);
});

Deno.test("PredictOutput maps output types to what predict returns", () => {
  const one: PredictOutput<SymbolicTensor> = tensor([1]);
  const list: PredictOutput<SymbolicTensor[]> = [tensor([1])];
  const tuple: PredictOutput<[SymbolicTensor, SymbolicTensor]> = [tensor([1]), tensor([2])];
  const wide: PredictOutput<Nested<SymbolicTensor>> = [[tensor([1])]];
  // @ts-expect-error one output is one Tensor
  const bad: PredictOutput<SymbolicTensor> = [tensor([1])];
  assert.deepEqual([one, ...list, ...tuple, wide, bad].length, 6);
});

Deno.test("Model.output is the outputs nested as given (Keras's model.output)", () => {
  resetLayerNames();
  const one = denseModel();
  const y: SymbolicTensor = one.output;
  assert.equal(y, one.outputs[0]);
  const three = lstmModel();
  assert.deepEqual(three.output, three.outputs);
  assert.throws(() => new Sequential().output, {
    name: "TypeError",
    message: 'Model "sequential" is not built: it has no output yet',
  });
});

Deno.test("Model.predictOne refuses a model with several outputs, naming their count and shapes", () => {
  resetLayerNames();
  const three = lstmModel();
  assert.throws(() => three.predictOne(X3), {
    name: "TypeError",
    message: 'Model "functional" has 3 outputs (shapes (None, 3, 2), (None, 2), (None, 2)), ' +
      "but predictOne() returns one tensor: use predict() for the outputs nested as the model " +
      "was built, or predictFlat() for a list of all 3",
  });
  // A Sequential ending in a layer that returns several.
  const stack = new Sequential([new LSTM(2, { inputShape: [3, 1], returnState: true })]);
  assert.throws(() => stack.predictOne(X3), {
    name: "TypeError",
    message: 'Model "sequential" has 3 outputs (shapes (None, 2), (None, 2), (None, 2)), ' +
      "but predictOne() returns one tensor: use predict() for the outputs nested as the model " +
      "was built, or predictFlat() for a list of all 3",
  });
  assert.deepEqual(stack.predictFlat(X3).map((t) => t.shape), [[1, 2], [1, 2], [1, 2]]);
});

Deno.test("Model.predictOne builds a Sequential without an input shape from the data, as predict does", () => {
  resetLayerNames();
  const stack = new Sequential([new Dense(2)]);
  const y = stack.predictOne([[1, 2, 3]]);
  assert.deepEqual(y.shape, [1, 2]);
  assert.deepEqual(stack.inputShape, [null, 3]);
});

Deno.test("Model.predictFlat takes what predict takes: a tensor, nested arrays, or one per input", () => {
  resetLayerNames();
  const three = lstmModel();
  const fromArrays = three.predictFlat(X3);
  const fromTensor = three.predictFlat(tensor(X3));
  const fromList = three.predictFlat([tensor(X3)]);
  for (const got of [fromTensor, fromList]) {
    got.forEach((t, i) => assert.deepEqual(Array.from(t.data), Array.from(fromArrays[i].data)));
  }
  assert.equal(fromArrays.length, 3);
});
