import assert from "node:assert/strict";
import { main } from "./mod.ts";

const FIXTURES = new URL("../../tests/fixtures/keras/", import.meta.url);

async function summaryOf(name: string): Promise<string[]> {
  const out: string[] = [];
  const code = await main(["summary", new URL(`${name}/model.keras`, FIXTURES).pathname], {
    stdout: { write: (t) => void out.push(t) },
    stderr: { write: () => {} },
  });
  assert.equal(code, 0);
  const lines = out.join("").split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith("Inputs")), -1);
}

Deno.test("summaryCommand lists the inputs to build and names each output by its role", async () => {
  assert.deepEqual(await summaryOf("bidi_lstm_state_seq"), [
    "Inputs (one --input .npy each, in this order):",
    "  1. input_layer  (None, 5, 3)  float32",
    "Outputs (one --output .npy each, in this order, or one .npz):",
    "  1. bidirectional/sequence    (None, 5, 8)  float32",
    "  2. bidirectional/forward_h   (None, 4)  float32",
    "  3. bidirectional/forward_c   (None, 4)  float32",
    "  4. bidirectional/backward_h  (None, 4)  float32",
    "  5. bidirectional/backward_c  (None, 4)  float32",
  ]);
});

Deno.test("summaryCommand shows int32 token inputs and single-output layers by name", async () => {
  assert.deepEqual(await summaryOf("embedding_mask_initial_state"), [
    "Inputs (one --input .npy each, in this order):",
    "  1. input_layer    (None, 6)  int32",
    "  2. input_layer_1  (None, 4)  float32",
    "  3. input_layer_2  (None, 4)  float32",
    "Outputs (one --output .npy each, in this order, or one .npz):",
    "  1. lstm/sequence  (None, 6, 4)  float32",
    "  2. lstm/h         (None, 4)  float32",
    "  3. lstm/c         (None, 4)  float32",
    "  4. simple_rnn     (None, 3)  float32",
  ]);
});
