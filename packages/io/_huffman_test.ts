import assert from "node:assert/strict";
import { buildTable, INVALID_SYMBOL, tableSize } from "./_huffman.ts";

/** Looks up `code` (`length` bits, most significant first, as DEFLATE sends them). */
function decode(table: Int32Array, root: number, code: number, length: number): [number, number] {
  let index = 0; // the code's bits, first bit lowest
  for (let i = 0; i < length; i++) index |= ((code >>> (length - 1 - i)) & 1) << i;
  let entry = table[index & ((1 << root) - 1)];
  const subBits = (entry >>> 4) & 15;
  if (subBits > 0) entry = table[(entry >>> 8) + ((index >>> root) & ((1 << subBits) - 1))];
  return [entry >>> 8, entry & 15];
}

Deno.test("buildTable decodes RFC 1951's example code, with second-level tables", () => {
  // RFC 1951, 3.2.2: lengths (3, 3, 3, 3, 3, 2, 4, 4) for A..H give F = 00, A = 010, B = 011,
  // C = 100, D = 101, E = 110, G = 1110, H = 1111.
  const lengths = new Uint8Array([3, 3, 3, 3, 3, 2, 4, 4]);
  const table = new Int32Array(tableSize(3, 8));
  const used = buildTable(lengths, 0, 8, table, 3, "example code", false);
  assert.equal(used, 8 + 2); // one second-level table of 1 bit, for the prefix 111
  const codes: [number, number][] = [
    [0b010, 3],
    [0b011, 3],
    [0b100, 3],
    [0b101, 3],
    [0b110, 3],
    [0b00, 2],
    [0b1110, 4],
    [0b1111, 4],
  ];
  codes.forEach(([code, length], symbol) => {
    assert.deepEqual(decode(table, 3, code, length), [symbol, length], `symbol ${symbol}`);
  });
});

Deno.test("buildTable refuses over-subscribed and incomplete codes", () => {
  const table = new Int32Array(tableSize(7, 19));
  assert.throws(() => buildTable(new Uint8Array([1, 1, 1]), 0, 3, table, 7, "test code", false), {
    name: "TypeError",
    message:
      "the test code is over-subscribed: more codes of 1 bits or fewer than a prefix code can have",
  });
  assert.throws(() => buildTable(new Uint8Array([1, 2]), 0, 2, table, 7, "test code", true), {
    name: "TypeError",
    message:
      "the test code is incomplete: its code lengths leave bit patterns that decode to nothing",
  });
  assert.throws(() => buildTable(new Uint8Array([1]), 0, 1, table, 7, "test code", false), {
    message:
      "the test code is incomplete: its code lengths leave bit patterns that decode to nothing",
  });
});

Deno.test("buildTable allows one 1-bit code, or none, where asked; the rest decodes as invalid", () => {
  const table = new Int32Array(tableSize(8, 30));
  buildTable(new Uint8Array([0, 0, 1]), 0, 3, table, 8, "distance code", true);
  assert.deepEqual(decode(table, 8, 0, 1), [2, 1]);
  assert.deepEqual(decode(table, 8, 1, 1), [INVALID_SYMBOL, 1]);
  buildTable(new Uint8Array(30), 0, 30, table, 8, "distance code", true);
  assert.deepEqual(decode(table, 8, 0, 1), [INVALID_SYMBOL, 1]);
});
