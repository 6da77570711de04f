import assert from "node:assert/strict";
import { f32View, heapAlloc, heapFree, heapUsed, memory } from "./_gemm_wasm_heap.ts";

Deno.test("heapAlloc returns aligned, disjoint regions and heapFree gives them back", () => {
  const used = heapUsed();
  const a = heapAlloc(100), b = heapAlloc(64), c = heapAlloc(1);
  assert.deepEqual([a % 64, b - a, c - b], [0, 128, 64]);
  assert.equal(heapUsed(), used + 256);
  heapFree(b, 64);
  assert.equal(heapAlloc(60), b, "a freed region is reused first");
  heapFree(a, 100);
  heapFree(b, 60); // coalesces with the region of a
  assert.equal(heapAlloc(192), a, "two adjacent holes make one");
  heapFree(a, 192);
  heapFree(c, 1);
  assert.equal(heapUsed(), used);
});

Deno.test("heapAlloc grows the memory and f32View() follows the new buffer", () => {
  assert.ok(memory !== null);
  const before = memory.buffer.byteLength;
  const start = heapAlloc(before); // cannot fit without growing
  assert.ok(start >= 0 && memory.buffer.byteLength >= start + before);
  const f32 = f32View();
  assert.equal(f32.buffer, memory.buffer);
  f32[start / 4 + before / 4 - 1] = 7; // the last float of the region is addressable
  heapFree(start, before);
});
