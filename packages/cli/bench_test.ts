import assert from "node:assert/strict";
import { main } from "./mod.ts";

const MODEL = new URL("../../tests/fixtures/keras/lstm_seq_state/model.keras", import.meta.url);

Deno.test("benchCommand prints single-thread and pool rates and the speed-up", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["bench", "-m", MODEL.pathname, "--batch", "8", "--iterations", "1", "--workers", "2"],
    { stdout: { write: (t) => void out.push(t) }, stderr: { write: (t) => void err.push(t) } },
  );
  assert.equal(code, 0, err.join(""));
  const lines = out.join("").trimEnd().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^single thread +[\d.]+ ms +[\d,.]+ seq\/s$/);
  assert.match(lines[1], /^pool \(2 workers\) +[\d.]+ ms +[\d,.]+ seq\/s$/);
  assert.match(lines[2], /^speed-up [\d.]+x \(median of 1 runs\)$/);
});
