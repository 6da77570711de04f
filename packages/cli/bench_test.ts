import assert from "node:assert/strict";
import { main } from "./mod.ts";
import { coreArithmetic } from "@kerno/tensor";

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
  assert.equal(lines.length, 5);
  assert.equal(lines[0], "backend: WebAssembly core");
  assert.equal(
    lines[1],
    coreArithmetic() === "fused"
      ? "arithmetic: fused multiply-add"
      : "arithmetic: separate multiply and add (no fused multiply-add on this CPU)",
  );
  assert.match(lines[2], /^single thread +[\d.]+ ms +[\d,.]+ seq\/s$/);
  assert.match(lines[3], /^pool \(2 workers\) +[\d.]+ ms +[\d,.]+ seq\/s$/);
  assert.match(lines[4], /^speed-up [\d.]+x \(median of 1 runs\)$/);
});

Deno.test("benchCommand --blas with a missing library names why and runs the WebAssembly core", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const args = ["bench", "-m", MODEL.pathname, "-n", "4", "-k", "1", "-w", "1"];
  const code = await main(
    [...args, "--blas", "/nonexistent/libkerno-missing-blas.so"],
    { stdout: { write: (t) => void out.push(t) }, stderr: { write: (t) => void err.push(t) } },
  );
  assert.equal(code, 0, err.join(""));
  const first = out.join("").split("\n")[0];
  const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  assert.equal(
    first,
    ffi
      ? "backend: WebAssembly core (BLAS off: could not open library " +
        "/nonexistent/libkerno-missing-blas.so: cannot open shared object file: No such file or directory)"
      : "backend: WebAssembly core (BLAS off: the FFI permission is not granted (run with --allow-ffi))",
  );
});
