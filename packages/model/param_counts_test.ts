/**
 * `tests/fixtures/keras/param_counts.json`: larger models built in TypeScript as the Python built
 * them; parameter counts, weight shapes and paths, and the summary tables must match Keras's.
 * Layers come from the registry; a case is skipped while a class is not registered.
 */
import assert from "node:assert/strict";
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

interface ParamCase {
  name: string;
  total_params: number;
  trainable_params: number;
  weights: { name: string; shape: number[] }[];
  layers: { name: string; output_shape_text: string; param_count: number }[];
  summary_text: string;
  summary_text_default: string;
}

const cases = new Map(
  loadFixtureFile<ParamCase[]>("param_counts.json").map((c) => [c.name, c]),
);

/** Orthogonal init of big recurrent kernels is slow and irrelevant to counting. */
const ZEROS = { class_name: "Zeros", config: {} };

function make(className: string, config: Record<string, unknown>): Layer {
  return deserializeLayer({ class_name: className, config });
}

const builders: Record<string, [string[], () => Model]> = {
  params_simplernn128_dense: [["SimpleRNN", "Dense"], () =>
    new Sequential([
      make("SimpleRNN", { units: 128, batch_input_shape: [null, 5, 3], return_sequences: true }),
      make("Dense", { units: 2 }),
    ])],
  params_lstm1000_nobias_dense: [["LSTM", "Dense"], () =>
    new Sequential([
      make("LSTM", {
        units: 1000,
        batch_input_shape: [null, 5, 10],
        return_sequences: true,
        use_bias: false,
        recurrent_initializer: ZEROS,
      }),
      make("Dense", { units: 2 }),
    ])],
  params_gru128_nobias_dense: [["GRU", "Dense"], () =>
    new Sequential([
      make("GRU", {
        units: 128,
        batch_input_shape: [null, 5, 10],
        return_sequences: true,
        use_bias: false,
      }),
      make("Dense", { units: 2 }),
    ])],
  params_lstm1: [
    ["LSTM"],
    () => new Sequential([Input({ shape: [3, 1] }), make("LSTM", { units: 1 })]),
  ],
  params_bidi_gru_reset_after_false: [
    ["Bidirectional", "GRU", "TimeDistributed", "Dense"],
    () =>
      new Sequential([
        Input({ shape: [7, 9] }),
        make("Bidirectional", {
          layer: {
            class_name: "GRU",
            config: { units: 20, reset_after: false, return_sequences: true },
          },
        }),
        make("TimeDistributed", { layer: { class_name: "Dense", config: { units: 4 } } }),
      ]),
  ],
  params_encoder_decoder_256: [["LSTM", "Dense"], () => {
    const x1 = Input({ shape: [null, 71] });
    const [, h, c] = make("LSTM", { units: 256, return_state: true, recurrent_initializer: ZEROS })
      .apply(x1) as SymbolicTensor[];
    const y1 = Input({ shape: [null, 93] });
    const [dec] = make("LSTM", {
      units: 256,
      return_sequences: true,
      return_state: true,
      recurrent_initializer: ZEROS,
    })
      .apply(y1, { initialState: [h, c] }) as SymbolicTensor[];
    const out = make("Dense", { units: 93, activation: "softmax" }).apply(dec);
    return new Model({ inputs: [x1, y1], outputs: out });
  }],
};

for (const [name, [classes, build]] of Object.entries(builders)) {
  const known = registeredLayerNames();
  Deno.test({
    name: `Model.countParams matches Keras on ${name}`,
    ignore: !classes.every((c) => known.includes(c)),
    fn: () => {
      resetLayerNames();
      const c = cases.get(name)!;
      const model = build();
      assert.equal(model.countParams(), c.total_params);
      assert.deepEqual(
        model.weights.map((w) => [w.path, [...w.shape]]),
        c.weights.map((w) => [w.name, w.shape]),
      );
      assert.equal(model.summaryLines().join("\n") + "\n", c.summary_text_default);
      assert.equal(model.summaryLines({ lineLength: 120 }).join("\n") + "\n", c.summary_text);
    },
  });
}

Deno.test("Model.countParams: every param_counts.json case has a builder", () => {
  assert.deepEqual([...cases.keys()].sort(), Object.keys(builders).sort());
});
