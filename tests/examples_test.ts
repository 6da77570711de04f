/**
 * Runs every example of `docs/examples/` (as `deno task demo` does) and checks its key numbers:
 * shapes, parameter counts, and values against an independent computation or the Keras fixture.
 */
import assert from "node:assert/strict";
import { resetLayerNames } from "@kerno/layers";
import { EXAMPLES } from "../docs/examples/mod.ts";
import { run as inputShape } from "../docs/examples/01_input_shape.ts";
import { run as returnSequencesAndState } from "../docs/examples/02_return_sequences_and_state.ts";
import { run as summary } from "../docs/examples/03_summary.ts";
import { run as paramCounts } from "../docs/examples/04_param_counts.ts";
import { run as customCell } from "../docs/examples/08_custom_cell.ts";
import { DATA, run as lstmReturnState, WEIGHTS } from "../docs/examples/05_lstm_return_state.ts";
import { run as bidirectionalConstant } from "../docs/examples/06_bidirectional_constant.ts";
import { run as encoderDecoder } from "../docs/examples/07_encoder_decoder.ts";
import { main as demo } from "../scripts/demo.ts";

function quiet<T>(run: (print: (line: string) => void) => T): { result: T; lines: string[] } {
  resetLayerNames();
  const lines: string[] = [];
  const result = run((line) => void lines.push(line));
  return { result, lines };
}

function near(got: number, want: number, tol: number, what: string): void {
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} (±${tol})`);
}

Deno.test("01_input_shape run() shows (batch, timesteps, features) and symbolic shapes", () => {
  const { result, lines } = quiet(inputShape);
  assert.deepEqual(result, {
    batchShape: [2, 4, 3],
    fixedInput: [null, 4, 3],
    anyLengthInput: [null, null, 3],
  });
  assert.match(lines[0], /x\.shape = \(2, 4, 3\)/);
});

Deno.test("02_return_sequences_and_state run() gives Keras's output shapes", () => {
  const { result } = quiet(returnSequencesAndState);
  const s = result.shapes;
  for (const kind of ["SimpleRNN", "GRU"]) {
    assert.deepEqual(s[`${kind}(5)`], [[2, 5]]);
    assert.deepEqual(s[`${kind}(5, returnSequences)`], [[2, 4, 5]]);
    assert.deepEqual(s[`${kind}(5, returnState)`], [[2, 5], [2, 5]]);
    assert.deepEqual(s[`${kind}(5, returnSequences, returnState)`], [[2, 4, 5], [2, 5]]);
  }
  assert.deepEqual(s["LSTM(5)"], [[2, 5]]);
  assert.deepEqual(s["LSTM(5, returnSequences)"], [[2, 4, 5]]);
  assert.deepEqual(s["LSTM(5, returnState)"], [[2, 5], [2, 5], [2, 5]]);
  assert.deepEqual(s["LSTM(5, returnSequences, returnState)"], [[2, 4, 5], [2, 5], [2, 5]]);
  assert.equal(result.lastOutputIsH, true);
});

Deno.test("03_summary run() prints 16,896 and 258 params", () => {
  const { result, lines } = quiet(summary);
  assert.deepEqual(result.params, { simple_rnn: 16896, dense: 258 });
  assert.equal(result.total, 17154);
  const text = lines.join("\n");
  assert.match(text, /simple_rnn \(SimpleRNN\)\s+│ \(None, 5, 128\)\s+│\s+16,896 │/);
  assert.match(text, /dense \(Dense\)\s+│ \(None, 5, 2\)\s+│\s+258 │/);
  assert.match(text, /Total params: 17,154 \(67\.01 KB\)/);
});

Deno.test("04_param_counts run() counts 4,040,000 and 52,992", () => {
  const { result, lines } = quiet(paramCounts);
  assert.equal(result.lstm1000, 4_040_000);
  assert.equal(result.gru128, 52_992);
  assert.deepEqual(result.totals, { lstm: 4_042_002, gru: 53_250 });
  assert.deepEqual(result.lstmWeightShapes, [[10, 4000], [1000, 4000]]);
  assert.match(lines.join("\n"), /4,040,000 params/);
});

Deno.test("05_lstm_return_state run() matches a float64 LSTM computed by hand", () => {
  const { result } = quiet(lstmReturnState);
  assert.deepEqual(result.shapes, [[1, 1], [1, 1], [1, 1]]);
  assert.equal(result.output, result.h);
  const f = Math.fround;
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  let h = 0;
  let c = 0;
  for (const x of DATA) {
    const z = [0, 1, 2, 3].map((g) =>
      f(x) * f(WEIGHTS.kernel[g]) + h * f(WEIGHTS.recurrentKernel[g]) + f(WEIGHTS.bias[g])
    );
    c = sigmoid(z[1]) * c + sigmoid(z[0]) * Math.tanh(z[2]);
    h = sigmoid(z[3]) * Math.tanh(c);
  }
  near(result.h, h, 1e-6, "h");
  near(result.c, c, 1e-6, "c");
});

Deno.test("06_bidirectional_constant run() reproduces Keras's hidden states to 1e-6", async () => {
  const { result } = quiet(bidirectionalConstant);
  assert.deepEqual(result.shapes, [[1, 4, 6], [1, 3], [1, 3], [1, 3], [1, 3]]);
  assert.equal(result.params, 216);
  for (let i = 0; i < 3; i++) {
    near(result.forwardH[i], 0.6303139, 1e-6, `forward h[${i}]`);
    near(result.forwardC[i], 1.5707088, 1e-6, `forward c[${i}]`);
    near(result.backwardH[i], 0.7038734, 1e-6, `backward h[${i}]`);
    near(result.backwardC[i], 1.6402445, 1e-6, `backward c[${i}]`);
  }
  const fixture = JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/keras/seed_bilstm_constant/case.json", import.meta.url),
    ),
  );
  const want: number[] = fixture.outputs[0].data;
  assert.equal(result.sequences.length, want.length);
  want.forEach((w, i) => near(result.sequences[i], w, 1e-6, `sequences[${i}]`));
});

Deno.test("07_encoder_decoder run() builds the guide's model (258,698 params)", () => {
  const { result } = quiet(encoderDecoder);
  assert.equal(result.total, 258_698);
  assert.equal(result.params.encoder, 33_024);
  assert.equal(result.params.decoder, 33_024);
  assert.equal(result.params.embedding, 64_000);
  assert.equal(result.params.embedding_1, 128_000);
  assert.equal(result.params.dense, 650);
  assert.deepEqual(result.outputShape, [2, 10]);
  assert.ok(result.encoderEffect > 0, "the encoder state must reach the decoder");
});

Deno.test("demo main() runs every example in order under its heading", () => {
  const lines: string[] = [];
  demo((line) => void lines.push(line));
  const headings = lines.filter((l) => l.startsWith("== "));
  assert.equal(headings.length, EXAMPLES.length);
  EXAMPLES.forEach((e, i) => assert.ok(headings[i].includes(e.id), headings[i]));
});

Deno.test("08_custom_cell run() runs a user-written cell in RNN and Bidirectional", () => {
  const lines: string[] = [];
  const result = customCell((line) => void lines.push(line));
  assert.deepEqual(result.sequence, [[[1, -1], [2.5, -2.5], [4.25, -4.25]]]);
  // concat merge: forward last output, then backward last output (after reading 3, 2, 1).
  assert.deepEqual(result.bidirectional, [[4.25, -4.25, 2.75, -2.75]]);
  assert.ok(lines.some((l) => l.includes("MinimalRNNCell")));
});
