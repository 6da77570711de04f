import assert from "node:assert/strict";
import type { F32 } from "./tensor.ts";
import { copyRowsPlain, RowSource } from "./row_copy.ts";

/** Floats whose bits are all distinct, NaN payloads and negative zero among them. */
function patterned(n: number): Float32Array {
  const bits = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    bits[i] = (Math.imul(i + 1, 0x9e3779b1) >>> 0) ^ (i % 7 === 0 ? 0x7fc00000 : 0);
  }
  bits[0] = 0x80000000; // -0
  bits[1] = 0x7f800001; // a signalling NaN
  return new Float32Array(bits.buffer);
}

function bitsOf(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

/** The copy bit for bit, through integer views: the oracle of the copies. */
function copyBits(
  dst: F32,
  dOff: number,
  dStride: number,
  src: F32,
  sOff: number,
  sStride: number,
  rows: number,
  width: number,
): void {
  const d = new Uint32Array(dst.buffer, dst.byteOffset, dst.length);
  const s = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < width; j++) d[dOff + r * dStride + j] = s[sOff + r * sStride + j];
  }
}

// rows, width, destination offset and stride, source offset and stride
const SHAPES: [number, number, number, number, number, number][] = [
  [1, 1, 0, 1, 0, 1],
  [3, 5, 2, 9, 1, 5],
  [7, 13, 3, 20, 0, 16],
  [256, 64, 64, 12800, 0, 64], // W3's backward direction, 100 steps of 128 a row
  [4, 200, 0, 200, 10, 250],
];

Deno.test("copyRowsPlain: each row to its place, nothing else touched", () => {
  const dst = new Float32Array(12).fill(-1);
  copyRowsPlain(dst, 1, 5, new Float32Array([1, 2, 3, 4, 5, 6]), 0, 3, 2, 3);
  assert.deepEqual([...dst], [-1, 1, 2, 3, -1, -1, 4, 5, 6, -1, -1, -1]);
});

Deno.test("RowSource: every row's bits to its place, and past the viewed rows", () => {
  const shapes: typeof SHAPES = [...SHAPES, [4097, 2, 1, 3, 0, 2]];
  for (const [rows, width, dOff, dStride, sOff, sStride] of shapes) {
    const src = patterned(sOff + (rows - 1) * sStride + width + 3);
    const want = new Float32Array(dOff + (rows - 1) * dStride + width + 5).fill(7);
    const got = want.slice();
    copyBits(want, dOff, dStride, src, sOff, sStride, rows, width);
    new RowSource(src, sOff, sStride, rows, width).copyTo(got, dOff, dStride);
    // Past 4096 rows the copy is a loop over values: a signalling NaN may come out quiet.
    const expected = rows > 4096 ? [...want].map(String) : bitsOf(want);
    const found = rows > 4096 ? [...got].map(String) : bitsOf(got);
    assert.deepEqual(found, expected, `${rows}×${width}`);
  }
});

Deno.test("RowSource: copies the source's current values at every call", () => {
  const h = new Float32Array([1, 2, 3, 4]);
  const rows = new RowSource(h, 0, 2, 2, 2);
  const dst = new Float32Array(8);
  rows.copyTo(dst, 0, 4);
  h.set([5, 6, 7, 8]);
  rows.copyTo(dst, 2, 4);
  assert.deepEqual([...dst], [1, 2, 5, 6, 3, 4, 7, 8]);
});

Deno.test("RowSource: a row outside either array or a detached source throws before any copy", () => {
  const dst = new Float32Array(10);
  const src = new Float32Array(10).fill(1);
  assert.throws(
    () => new RowSource(src, 0, 2, 2, 4).copyTo(dst, 4, 4),
    /row copy: destination \(2×4 at offset 4, stride 4\) does not fit its array of 10 elements/,
  );
  assert.throws(
    () => new RowSource(src, 4, 4, 2, 4).copyTo(dst, 0, 4),
    /row copy: source \(2×4 at offset 4, stride 4\) does not fit its array of 10 elements/,
  );
  assert.deepEqual([...dst], new Array(10).fill(0));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const view = new Float32Array(memory.buffer, 0, 16);
  const source = new RowSource(view, 0, 2, 2, 2);
  source.copyTo(dst, 0, 2);
  memory.grow(1);
  assert.throws(
    () => source.copyTo(dst, 0, 2),
    /row copy: source is empty or its buffer was detached/,
  );
});
