import assert from "node:assert/strict";
import { formatSummary, readableMemorySize, thousands } from "./summary_format.ts";

Deno.test("thousands inserts commas", () => {
  assert.deepEqual([0, 128, 1000, 4042002].map(thousands), ["0", "128", "1,000", "4,042,002"]);
});

Deno.test("readableMemorySize prints B, KB, MB with 2 decimals, ties to even", () => {
  assert.equal(readableMemorySize(0), "0.00 B");
  assert.equal(readableMemorySize(512), "512.00 B");
  assert.equal(readableMemorySize(1023), "1023.00 B");
  assert.equal(readableMemorySize(1024), "1.00 KB");
  assert.equal(readableMemorySize(1212), "1.18 KB");
  assert.equal(readableMemorySize(1152), "1.12 KB");
  assert.equal(readableMemorySize(1168), "1.14 KB");
  assert.equal(readableMemorySize(4042002 * 4), "15.42 MB");
});

Deno.test("formatSummary prints Keras's sequential table", () => {
  const lines = formatSummary({
    modelName: "sequential",
    rows: [{ name: "lstm (LSTM)", outputShape: "(None, 4)", params: "128" }],
    sequentialLike: true,
    trainable: { count: 128, bytes: 512 },
    nonTrainable: { count: 0, bytes: 0 },
  });
  assert.deepEqual(lines, [
    'Model: "sequential"',
    "┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓",
    "┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃",
    "┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩",
    "│ lstm (LSTM)                          │ (None, 4)                   │             128 │",
    "└──────────────────────────────────────┴─────────────────────────────┴─────────────────┘",
    " Total params: 128 (512.00 B)",
    " Trainable params: 128 (512.00 B)",
    " Non-trainable params: 0 (0.00 B)",
  ]);
});

Deno.test("formatSummary adds Connected to for graphs and honours lineLength", () => {
  const lines = formatSummary({
    modelName: "functional",
    rows: [{ name: "input_layer (InputLayer)", outputShape: "(None, 5, 4)", params: "0" }],
    sequentialLike: false,
    trainable: { count: 0, bytes: 0 },
    nonTrainable: { count: 0, bytes: 0 },
  });
  assert.equal(lines[1].length, 108);
  assert.match(lines[2], /┃ Connected to {15}┃$/);
  assert.match(lines[4], /│ - {26}│$/);
  const wide = formatSummary({
    modelName: "m",
    rows: [],
    sequentialLike: true,
    trainable: { count: 0, bytes: 0 },
    nonTrainable: { count: 0, bytes: 0 },
  }, { lineLength: 120 });
  assert.equal(wide[1].length, 120);
  assert.throws(
    () =>
      formatSummary({
        modelName: "m",
        rows: [],
        sequentialLike: true,
        trainable: { count: 0, bytes: 0 },
        nonTrainable: { count: 0, bytes: 0 },
      }, { lineLength: 8 }),
    /Insufficient width/,
  );
});
