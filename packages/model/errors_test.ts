/**
 * The cases of `tests/fixtures/keras/errors.json` as TypeScript programs: the same statement fails
 * (or, where Keras accepts the program, succeeds) with the gist of Keras's message. Recurrent
 * layers come from the registry; a case is skipped while its class is not registered.
 */
import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import {
  deserializeLayer,
  type Layer,
  registeredLayerNames,
  resetLayerNames,
  type SymbolicTensor,
} from "@kerno/layers";
import { loadFixtureFile } from "./_fixtures_test_util.ts";
import { Input } from "./input_layer.ts";
import { Model } from "./model.ts";
import { Sequential } from "./sequential.ts";

interface ErrorCase {
  name: string;
  raised: boolean;
  message: string | null;
}

const cases = new Map(
  loadFixtureFile<ErrorCase[]>("errors.json").map((c) => [c.name, c]),
);

function has(...classes: string[]): boolean {
  const names = registeredLayerNames();
  return classes.every((c) => names.includes(c));
}

function make(className: string, config: Record<string, unknown>): Layer {
  return deserializeLayer({ class_name: className, config });
}

function test(name: string, classes: string[], fn: (c: ErrorCase) => void): void {
  Deno.test({
    name: `Model errors.json ${name}`,
    ignore: !has(...classes),
    fn: () => {
      resetLayerNames();
      const c = cases.get(name);
      assert.ok(c, `errors.json has ${name}`);
      fn(c);
    },
  });
}

test("error_simplernn_on_2d_input", ["SimpleRNN"], (c) => {
  assert.equal(c.raised, true);
  const x = Input({ shape: [10] });
  assert.throws(
    () => make("SimpleRNN", { units: 50 }).apply(x),
    /Input 0 .*layer "simple_rnn" is incompatible.*expected ndim=3, found ndim=2.*\(None, 10\)/,
  );
});

test("error_simplernn_on_4d_input", ["SimpleRNN"], () => {
  const x = Input({ shape: [10, 30, 40] });
  assert.throws(
    () => make("SimpleRNN", { units: 50 }).apply(x),
    /expected ndim=3, found ndim=4.*\(None, 10, 30, 40\)/,
  );
});

test("error_lstm_set_weights_wrong_feature_dim", ["LSTM"], (c) => {
  const model = new Sequential([Input({ shape: [5, 3] }), make("LSTM", { units: 4 })]);
  assert.throws(
    () => model.setWeights([Tensor.zeros([4, 16]), Tensor.zeros([4, 16]), Tensor.zeros([16])]),
    (e: Error) => e.message.startsWith(c.message!),
  );
});

test("error_lstm_predict_wrong_feature_dim", ["LSTM"], () => {
  const model = new Sequential([Input({ shape: [5, 3] }), make("LSTM", { units: 4 })]);
  assert.throws(
    () => model.predict(Tensor.zeros([2, 5, 4])),
    /Input 0 of model "sequential" is incompatible: expected shape \(None, 5, 3\), found \(2, 5, 4\)/,
  );
});

test("error_lstm_symbolic_call_wrong_feature_dim", ["LSTM"], (c) => {
  assert.equal(c.raised, false);
  const lstm = make("LSTM", { units: 4 });
  lstm.apply(Input({ shape: [5, 3] }));
  assert.doesNotThrow(() => lstm.apply(Input({ shape: [5, 4] })));
});

test("error_lstm_eager_call_wrong_feature_dim", ["LSTM"], () => {
  const lstm = make("LSTM", { units: 4 });
  lstm.apply(Input({ shape: [5, 3] }));
  assert.throws(() => lstm.apply(Tensor.zeros([2, 5, 4])));
});

test("error_disconnected_state_as_input", ["LSTM"], () => {
  const xEnc = Input({ shape: [5, 3] });
  const xDec = Input({ shape: [5, 3] });
  const [, h, c] = make("LSTM", { units: 4, return_state: true }).apply(xEnc) as SymbolicTensor[];
  const y = make("LSTM", { units: 4 }).apply(xDec, { initialState: [h, c] });
  assert.throws(
    () => new Model({ inputs: [xDec, h], outputs: y }),
    new RegExp(
      "Graph disconnected: cannot find parent for tensor <KerasTensor shape=\\(None, 4\\), " +
        `dtype=float32, name=${c.name}> at operation '<LSTM name=lstm_1, built=true>'`,
    ),
  );
});

test("error_intermediate_tensor_as_input", ["LSTM", "Dense"], (c) => {
  assert.equal(c.raised, false);
  const x = Input({ shape: [5, 3] });
  const [, h] = make("LSTM", { units: 4, return_state: true }).apply(x) as SymbolicTensor[];
  const y = make("Dense", { units: 2 }).apply(h);
  const model = new Model({ inputs: h, outputs: y });
  const out = model.predict(Tensor.zeros([3, 4])) as Tensor;
  assert.deepEqual(out.shape, [3, 2]);
});

test("error_non_keras_tensor_in_inputs", ["LSTM"], () => {
  const x = Input({ shape: [5, 3] });
  const h0 = Tensor.zeros([1, 4]);
  const y = make("LSTM", { units: 4 }).apply(x, {
    initialState: [Input({ shape: [4] }), Input({ shape: [4] })],
  });
  assert.throws(
    () => new Model({ inputs: [x, h0 as unknown as SymbolicTensor], outputs: y }),
    /All `inputs` values must be KerasTensors/,
  );
});

test("error_disconnected_graph", ["LSTM"], () => {
  const x1 = Input({ shape: [null, 5] });
  const [, h, c] = make("LSTM", { units: 5, return_state: true }).apply(x1) as SymbolicTensor[];
  const y1 = Input({ shape: [null, 5] });
  const dec = make("LSTM", { units: 5, return_sequences: true }).apply(y1, {
    initialState: [h, c],
  });
  assert.throws(
    () => new Model({ inputs: y1, outputs: dec }),
    /Output with path `` of model "functional" is not connected to `inputs`/,
  );
});

test("error_initial_state_wrong_count", ["LSTM"], () => {
  const x = Input({ shape: [5, 3] });
  const h0 = Input({ shape: [4] });
  let model: Model | null = null;
  try {
    const y = make("LSTM", { units: 4 }).apply(x, { initialState: [h0] });
    model = new Model({ inputs: [x, h0], outputs: y });
  } catch (e) {
    assert.match((e as Error).message, /state/i, "refused when the graph is built");
    return;
  }
  assert.throws(() => model!.predict([Tensor.zeros([2, 5, 3]), Tensor.zeros([2, 4])]));
});

test("error_stateful_without_batch_size", ["LSTM"], () => {
  const x = Input({ shape: [5, 3] });
  assert.throws(
    () => make("LSTM", { units: 4, stateful: true }).apply(x),
    /batch size must be static|fixed batch size/i,
  );
});

test("error_bidirectional_bad_merge_mode", ["Bidirectional", "LSTM"], () => {
  assert.throws(
    () =>
      make("Bidirectional", {
        layer: { class_name: "LSTM", config: { units: 4 } },
        merge_mode: "max",
      }),
    /merge.?mode/i,
  );
});

Deno.test("Model errors.json: every case has a test", () => {
  const tested = [
    "error_simplernn_on_2d_input",
    "error_simplernn_on_4d_input",
    "error_lstm_set_weights_wrong_feature_dim",
    "error_lstm_predict_wrong_feature_dim",
    "error_lstm_symbolic_call_wrong_feature_dim",
    "error_lstm_eager_call_wrong_feature_dim",
    "error_disconnected_state_as_input",
    "error_intermediate_tensor_as_input",
    "error_non_keras_tensor_in_inputs",
    "error_disconnected_graph",
    "error_initial_state_wrong_count",
    "error_stateful_without_batch_size",
    "error_bidirectional_bad_merge_mode",
  ];
  assert.deepEqual([...cases.keys()].sort(), tested.sort());
});
