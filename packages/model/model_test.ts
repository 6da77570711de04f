import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import {
  Concatenate,
  Dense,
  Embedding,
  Masking,
  NotEqual,
  resetLayerNames,
  type SymbolicTensor,
} from "@kerno/layers";
import { Halves, TinyRNN } from "./_test_layers.ts";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";

function names(model: Model): string[] {
  return model.layers.map((l) => l.name);
}

Deno.test("Model orders layers topologically as Keras does", () => {
  resetLayerNames();
  const tokens = Input({ shape: [6], dtype: "int32" });
  const h0 = Input({ shape: [4] });
  const e = new Embedding(10, 4, { maskZero: true }).apply(tokens) as SymbolicTensor;
  const [seq, h] = new TinyRNN({ returnSequences: true, returnState: true })
    .apply(e, { initialState: [h0] }) as SymbolicTensor[];
  const m = new NotEqual().apply(tokens, { extraArgs: [0] }) as SymbolicTensor;
  const y = new TinyRNN().apply(seq, { mask: m }) as SymbolicTensor;
  const model = new Model({ inputs: [tokens, h0], outputs: [seq, h, y] });
  assert.equal(model.name, "functional");
  assert.deepEqual(model.operations.map((l) => l.name), [
    "input_layer",
    "embedding",
    "input_layer_1",
    "tiny_rnn",
    // Embedding(maskZero) already made its own mask node "not_equal" (unused here), as Keras does.
    "not_equal_1",
    "tiny_rnn_1",
  ]);
  assert.deepEqual(names(model), [
    "input_layer",
    "embedding",
    "input_layer_1",
    "tiny_rnn",
    "tiny_rnn_1",
  ]);
  assert.equal(model.inputs.length, 2);
  assert.equal(model.outputs.length, 3);
  assert.deepEqual(model.outputStructure(), [0, 1, 2]);
});

Deno.test("Model refuses an output that depends on an unlisted Input", () => {
  resetLayerNames();
  const x1 = Input({ shape: [null, 5] });
  const [, h] = new TinyRNN({ returnState: true }).apply(x1) as SymbolicTensor[];
  const y1 = Input({ shape: [null, 5] });
  const dec = new TinyRNN({ returnSequences: true }).apply(y1, { initialState: [h] });
  assert.throws(
    () => new Model({ inputs: y1, outputs: dec }),
    (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /Output with path `` of model "functional" is not connected to `inputs`/,
      );
      assert.match(e.message, /Graph disconnected: cannot find parent for tensor <KerasTensor/);
      assert.match(e.message, /at operation '<TinyRNN name=tiny_rnn_1, built=true>'/);
      assert.match(e.message, /depends on Input layer "input_layer"/);
      return true;
    },
  );
});

Deno.test("Model refuses a state input whose sibling state is unreachable", () => {
  resetLayerNames();
  const xEnc = Input({ shape: [5, 3] });
  const xDec = Input({ shape: [5, 3] });
  const [o, h] = new TinyRNN({ returnState: true }).apply(xEnc) as SymbolicTensor[];
  const y = new TinyRNN().apply(xDec, { initialState: [o] });
  assert.throws(
    () => new Model({ inputs: [xDec, h], outputs: y }),
    new RegExp(
      `Graph disconnected: cannot find parent for tensor ${
        o.toString().replace(/[()[\]]/g, "\\$&")
      }` +
        " at operation '<TinyRNN name=tiny_rnn_1, built=true>'",
    ),
  );
});

Deno.test("Model refuses non-symbolic inputs and empty inputs", () => {
  resetLayerNames();
  const x = Input({ shape: [5, 3] });
  const y = new TinyRNN().apply(x) as SymbolicTensor;
  const h0 = tensor([[0, 0, 0]]);
  assert.throws(
    () => new Model({ inputs: [x, h0 as unknown as SymbolicTensor], outputs: y }),
    /All `inputs` values must be KerasTensors .* including invalid value Tensor\(float32, \[1, 3\]\)/,
  );
  assert.throws(
    () => new Model({ inputs: [], outputs: y }),
    /`inputs` argument .* cannot be empty/,
  );
  assert.throws(() => new Model({ name: "m" }), /needs `inputs` and `outputs`/);
});

Deno.test("Model accepts an intermediate tensor as input", () => {
  resetLayerNames();
  const x = Input({ shape: [5, 3] });
  const [, h] = new TinyRNN({ returnState: true }).apply(x) as SymbolicTensor[];
  const dense = new Dense(2);
  const y = dense.apply(h) as SymbolicTensor;
  const model = new Model({ inputs: h, outputs: y });
  assert.equal(model.layers.length, 2);
  assert.match(model.layers[0].name, /^keras_tensor_\d+CLONE$/);
  assert.equal(model.layers[1], dense);
  assert.deepEqual(model.inputs[0].shape, [null, 3]);
  const hv = tensor([[0.1, 0.2, 0.3]]);
  const got = model.predict(hv) as Tensor;
  const want = dense.apply(hv) as Tensor;
  assert.deepEqual(Array.from(got.f32), Array.from(want.f32));
  const config = JSON.parse(model.toJSON()).config;
  assert.deepEqual(config.input_layers, [model.layers[0].name, 0, 0]);
  assert.deepEqual(config.layers[1].inbound_nodes[0].args[0].config.keras_history, [
    model.layers[0].name,
    0,
    0,
  ]);
});

Deno.test("Model.predict checks inputs before running", () => {
  resetLayerNames();
  const x = Input({ shape: [5, 3] });
  const model = new Model({ inputs: x, outputs: new TinyRNN().apply(x), name: "m" });
  assert.throws(
    () => model.predict(Tensor.zeros([2, 5, 4])),
    /Input 0 of model "m" is incompatible: expected shape \(None, 5, 3\), found \(2, 5, 4\)/,
  );
  assert.throws(
    () => model.predict([Tensor.zeros([2, 5, 3]), Tensor.zeros([2, 5, 3])]),
    /Model "m" expects 1 input\(s\), but received 2/,
  );
  assert.throws(() => model.predict(Tensor.zeros([0, 5, 3])), /0 rows/);
  assert.throws(
    () => model.predict(Tensor.zeros([2, 5, 3]), { batchSize: 0 }),
    /batchSize must be a positive integer/,
  );
});

Deno.test("Model.predict accepts any time length for a null time dimension", () => {
  resetLayerNames();
  const x = Input({ shape: [null, 2] });
  const model = new Model({ inputs: x, outputs: new TinyRNN().apply(x) });
  const a = model.predict(Tensor.zeros([1, 3, 2])) as Tensor;
  const b = model.predict(Tensor.zeros([1, 7, 2])) as Tensor;
  assert.deepEqual(a.shape, [1, 2]);
  assert.deepEqual(b.shape, [1, 2]);
});

Deno.test("Model.predict gives the same rows whatever the batch size", () => {
  resetLayerNames();
  const x = Input({ shape: [4, 2] });
  const seq = new TinyRNN({ returnSequences: true }).apply(x) as SymbolicTensor;
  const model = new Model({ inputs: x, outputs: [seq, new Dense(3).apply(seq)] });
  const data = Array.from({ length: 5 * 4 * 2 }, (_, i) => Math.sin(i));
  const input = tensor(data, [5, 4, 2]);
  const whole = model.predict(input) as Tensor[];
  const small = model.predict(input, { batchSize: 2 }) as Tensor[];
  assert.deepEqual(whole[0].shape, [5, 4, 2]);
  assert.deepEqual(whole[1].shape, [5, 4, 3]);
  assert.deepEqual(Array.from(small[0].f32), Array.from(whole[0].f32));
  assert.deepEqual(Array.from(small[1].f32), Array.from(whole[1].f32));
});

Deno.test("Model.predict passes masks implicitly and explicitly", () => {
  resetLayerNames();
  const x = Input({ shape: [3, 1] });
  const masked = new Masking({ maskValue: 0 }).apply(x) as SymbolicTensor;
  const implicit = new TinyRNN().apply(masked) as SymbolicTensor;
  const none = new TinyRNN().apply(masked, { mask: null }) as SymbolicTensor;
  const model = new Model({ inputs: x, outputs: [implicit, none] });
  const [a, b] = model.predict([[[0.5], [0], [0]]]) as Tensor[];
  const step = Math.fround(Math.tanh(0.25));
  assert.deepEqual(Array.from(a.f32), [step]);
  assert.notDeepEqual(Array.from(b.f32), [step]);
});

Deno.test("Model.predict: a call with initial_state gets no implicit mask", () => {
  resetLayerNames();
  const x = Input({ shape: [2, 1] });
  const h0 = Input({ shape: [1] });
  const masked = new Masking().apply(x) as SymbolicTensor;
  const y = new TinyRNN().apply(masked, { initialState: [h0] });
  const model = new Model({ inputs: [x, h0], outputs: y });
  const got = model.predict([[[[0.5], [0]]], [[0]]]) as Tensor;
  const h1 = Math.fround(Math.tanh(0.25));
  assert.deepEqual(Array.from(got.f32), [Math.fround(Math.tanh(0.25 * h1))]);
});

Deno.test("Model.predict converts nested arrays to the input dtypes", () => {
  resetLayerNames();
  const ids = Input({ shape: [3], dtype: "int32" });
  const emb = new Embedding(4, 2);
  const model = new Model({ inputs: ids, outputs: emb.apply(ids) });
  const out = model.predict([[1, 2, 3]]) as Tensor;
  assert.deepEqual(out.shape, [1, 3, 2]);
  const table = emb.getWeights()[0].f32;
  assert.deepEqual(Array.from(out.f32.subarray(0, 2)), Array.from(table.subarray(2, 4)));
});

Deno.test("Model with a shared layer keeps its weights once", () => {
  resetLayerNames();
  const a = Input({ shape: [5, 4] });
  const b = Input({ shape: [7, 4] });
  const rnn = new TinyRNN();
  const joined = new Concatenate().apply([rnn.apply(a), rnn.apply(b)] as SymbolicTensor[]);
  const model = new Model({
    inputs: [a, b],
    outputs: new Dense(3).apply(joined as SymbolicTensor),
  });
  assert.deepEqual(names(model), [
    "input_layer",
    "input_layer_1",
    "tiny_rnn",
    "concatenate",
    "dense",
  ]);
  assert.equal(model.countParams(), 2 + 8 * 3 + 3);
  assert.equal(model.getWeights().length, 4);
  const config = JSON.parse(model.toJSON()).config;
  const concat = config.layers[3];
  assert.deepEqual(
    concat.inbound_nodes[0].args[0].map((t: { config: { keras_history: unknown } }) =>
      t.config.keras_history
    ),
    [["tiny_rnn", 0, 0], ["tiny_rnn", 1, 0]],
  );
  assert.equal(config.layers[2].inbound_nodes.length, 2);
});

Deno.test("Model.setWeights checks every shape first, with Keras's message", () => {
  resetLayerNames();
  const x = Input({ shape: [3] });
  const model = new Model({ inputs: x, outputs: new Dense(16).apply(x), name: "sequential" });
  const before = model.getWeights().map((w) => Array.from(w.f32));
  assert.throws(
    () => model.setWeights([Tensor.zeros([4, 16]), Tensor.zeros([16])]),
    (e: Error) =>
      e instanceof TypeError &&
      e.message.startsWith(
        "Layer sequential weight shape (3, 16) is not compatible with provided weight shape (4, 16).",
      ),
  );
  assert.throws(() => model.setWeights([Tensor.zeros([3, 16])]), /weight list of length 1/);
  assert.deepEqual(model.getWeights().map((w) => Array.from(w.f32)), before);
  model.setWeights([Tensor.zeros([3, 16]), tensor(new Array(16).fill(1))]);
  assert.deepEqual(Array.from(model.getWeights()[1].f32), new Array(16).fill(1));
});

Deno.test("Model.resetStates resets stateful layers between predicts", () => {
  resetLayerNames();
  const x = Input({ shape: [2, 1], batchSize: 1 });
  const model = new Model({ inputs: x, outputs: new TinyRNN({ stateful: true }).apply(x) });
  const input = tensor([[[1], [1]]]);
  const first = Array.from((model.predict(input) as Tensor).f32);
  const second = Array.from((model.predict(input) as Tensor).f32);
  assert.notDeepEqual(second, first);
  model.resetStates();
  assert.deepEqual(Array.from((model.predict(input) as Tensor).f32), first);
});

Deno.test("Model.getLayer finds a layer by name or index", () => {
  resetLayerNames();
  const x = Input({ shape: [3] });
  const dense = new Dense(2);
  const model = new Model({ inputs: x, outputs: dense.apply(x) });
  assert.equal(model.getLayer("dense"), dense);
  assert.equal(model.getLayer(1), dense);
  assert.throws(
    () => model.getLayer("lstm"),
    /No such layer: lstm. Existing layers are: \[input_layer, dense\]/,
  );
});

Deno.test("Model nests predict results like its outputs", () => {
  resetLayerNames();
  const x = Input({ shape: [4] });
  const [a, b] = new Halves().apply(x) as SymbolicTensor[];
  const model = new Model({ inputs: x, outputs: [a, [b, a]] });
  assert.deepEqual(model.outputStructure(), [0, [1, 2]]);
  const out = model.predict([[1, 2, 3, 4]]) as [Tensor, [Tensor, Tensor]];
  assert.deepEqual(out[0].toArray(), [[1, 2]]);
  assert.deepEqual(out[1][0].toArray(), [[3, 4]]);
  assert.deepEqual(out[1][1].toArray(), [[1, 2]]);
});

Deno.test("Model works as a layer inside another model", () => {
  resetLayerNames();
  const x = Input({ shape: [3] });
  const inner = new Model({ inputs: x, outputs: new Dense(2).apply(x), name: "inner" });
  const z = Input({ shape: [3] });
  const outer = new Model({ inputs: z, outputs: inner.apply(z), name: "outer" });
  const v = tensor([[1, 2, 3]]);
  assert.deepEqual(
    Array.from((outer.predict(v) as Tensor).f32),
    Array.from((inner.predict(v) as Tensor).f32),
  );
  assert.equal(outer.countParams(), 8);
});
