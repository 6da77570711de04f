import assert from "node:assert/strict";
import { columnWidths, renderTable, roundHalfEven, wrapCell } from "./table.ts";

Deno.test("roundHalfEven rounds halves to even like Python's round()", () => {
  assert.deepEqual([0.5, 1.5, 2.5, 3.5, 3.25, 3.75, 10 / 3].map(roundHalfEven), [
    0,
    2,
    2,
    4,
    3,
    4,
    3,
  ]);
});

Deno.test("columnWidths shrinks fixed columns as rich does", () => {
  const cols = (widths: number[]) =>
    widths.map((width) => ({ header: "", width, justify: "left" as const }));
  assert.deepEqual(columnWidths(cols([39, 31, 18]), 88), [38, 29, 17]);
  assert.deepEqual(columnWidths(cols([32, 28, 19, 29]), 108), [31, 27, 17, 28]);
});

Deno.test("wrapCell wraps at spaces and pads to the width", () => {
  assert.deepEqual(wrapCell("[(None, 6, 4), (None, 4), (None, 4)]", 25, "left"), [
    "[(None, 6, 4), (None, 4),",
    "(None, 4)]               ",
  ]);
  assert.deepEqual(wrapCell("lstm[0][0], not_equal[0][0]", 26, "left"), [
    "lstm[0][0],               ",
    "not_equal[0][0]           ",
  ]);
  assert.deepEqual(wrapCell("128", 6, "right"), ["   128"]);
});

Deno.test("wrapCell cuts a word longer than the cell with an ellipsis", () => {
  assert.deepEqual(wrapCell("abcdefghij", 5, "left"), ["abcd…"]);
  assert.deepEqual(wrapCell("ab abcdefghij", 5, "left"), ["ab   ", "abcd…"]);
});

Deno.test("renderTable draws rich's heavy-head box with lines between rows", () => {
  const lines = renderTable(
    [
      { header: "A", width: 5, justify: "left" },
      { header: "B", width: 5, justify: "right" },
    ],
    [["x y z w", "1"], ["q", "22"]],
    14,
  );
  assert.deepEqual(lines, [
    "┏━━━━━┳━━━━━━┓",
    "┃ A   ┃    B ┃",
    "┡━━━━━╇━━━━━━┩",
    "│ x y │    1 │",
    "│ z w │      │",
    "├─────┼──────┤",
    "│ q   │   22 │",
    "└─────┴──────┘",
  ]);
});
