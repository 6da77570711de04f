import assert from "node:assert/strict";
import { nativeSupport } from "./_native_exec.ts";
import {
  columnPasses,
  emitRowKernel,
  fma32,
  groupColumns,
  kPartitions,
  NativeRows,
  rowProductReference,
} from "./_native_rows.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

const support = nativeSupport();
if (!("ok" in support)) console.log(`native row kernel tests skipped: ${support.reason}`);

/** `a·b + c` rounded once to float32, by exact rational arithmetic (BigInt): fma32's oracle. */
function exactFma32(a: number, b: number, c: number): number {
  // Every float32 is an integer times 2^-149; a·b is one times 2^-298.
  const scaled = (x: number, shift: number) => {
    const f = new Float64Array([x]);
    const bits = new BigUint64Array(f.buffer)[0];
    const sign = bits >> 63n ? -1n : 1n;
    const exp = Number((bits >> 52n) & 0x7ffn);
    const frac = bits & ((1n << 52n) - 1n);
    const mant = exp === 0 ? frac : frac | (1n << 52n);
    const e = (exp === 0 ? 1 : exp) - 1075 + shift;
    return sign * (e >= 0 ? mant << BigInt(e) : mant >> BigInt(-e)); // exact: x is a float32
  };
  const sum = scaled(a, 149) * scaled(b, 149) + scaled(c, 298); // units of 2^-298
  if (sum === 0n) return 0;
  const negative = sum < 0n;
  let m = negative ? -sum : sum;
  // Scale to 24 significant bits (or the subnormal step 2^-149 = 2^149 units), round to even.
  let shift = BigInt(m.toString(2).length - 24);
  if (shift < 149n) shift = 149n;
  const unit = 1n << shift, half = unit >> 1n;
  let q = m >> shift;
  const rest = m - (q << shift);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  m = q;
  const value = Number(m) * 2 ** (Number(shift) - 298);
  return Math.fround(negative ? -value : value);
}

Deno.test("fma32: rounds once, as a fused multiply-add", () => {
  const a = 1 + 2 ** -12, c = -(1 + 2 ** -11);
  // a·a = 1 + 2^-11 + 2^-24: rounding the product first loses the 2^-24.
  assert.equal(Math.fround(Math.fround(a * a) + c), 0);
  assert.equal(fma32(a, a, c), 2 ** -24);
  assert.equal(fma32(2, 3, 4), 10);
  assert.equal(fma32(3e38, 3e38, 0), Infinity);
  assert.ok(Number.isNaN(fma32(NaN, 1, 1)));
});

Deno.test("fma32: equals exact rational rounding on random and near-tie operands", () => {
  const rng = new Random(5);
  for (let i = 0; i < 20000; i++) {
    const a = Math.fround(rng.uniform(-2, 2)), b = Math.fround(rng.uniform(-2, 2));
    // Half the cases put c near -a·b, where the sum's low bits (and ties) decide the rounding.
    const c = i % 2
      ? Math.fround(-a * b + Math.fround(rng.uniform(-1e-6, 1e-6)))
      : Math.fround(rng.uniform(-4, 4));
    assert.equal(fma32(a, b, c), exactFma32(a, b, c), `fma32(${a}, ${b}, ${c})`);
  }
});

Deno.test("columnPasses and groupColumns: 96 columns a pass, then the last n mod 8 one by one", () => {
  assert.deepEqual(columnPasses(200), [
    { first: 0, cols: 96, scalar: false },
    { first: 96, cols: 96, scalar: false },
    { first: 192, cols: 8, scalar: false },
  ]);
  assert.deepEqual(columnPasses(21), [
    { first: 0, cols: 16, scalar: false },
    { first: 16, cols: 5, scalar: true },
  ]);
  assert.deepEqual(columnPasses(3), [{ first: 0, cols: 3, scalar: true }]);
  // B 2×11 (ldb 12): pass 0 = columns 0–7 row by row, then pass 1 = columns 8–10.
  const b = new Float32Array(24).map((_, i) => i);
  const g = groupColumns(b, 0, 12, 2, 11);
  assert.deepEqual([...g], [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    12,
    13,
    14,
    15,
    16,
    17,
    18,
    19, //
    8,
    9,
    10,
    20,
    21,
    22,
  ]);
});

Deno.test("kPartitions: the whole k first, then OpenBLAS's halving rule", () => {
  assert.deepEqual(kPartitions(100), [[100]]);
  const p512 = kPartitions(512);
  assert.deepEqual(p512[0], [512]);
  assert.ok(p512.some((p) => p.join() === "256,256"));
  assert.ok(kPartitions(1000).some((p) => p.join() === "448,276,276"));
  for (const k of [1, 77, 512, 1000, 3000]) {
    for (const p of kPartitions(k)) assert.equal(p.reduce((s, x) => s + x, 0), k);
  }
});

Deno.test({
  name: "NativeRows: equals its reference for tails, strides, k blocks and both modes",
  ignore: !("ok" in support),
  fn() {
    const rng = new Random(21);
    const shapes: [number, number, number[]][] = [
      [128, 512, [128]],
      [1, 1, [1]],
      [7, 3, [7]],
      [33, 101, [33]],
      [64, 200, [30, 34]],
      [512, 264, [256, 256]],
      [100, 8, [40, 30, 30]],
    ];
    for (const [k, n, blocks] of shapes) {
      const ldb = n + 3, lda = k + 5, ldc = n + 2, m = 3;
      const b = randomF32(rng, k * ldb);
      const a = randomF32(rng, m * lda + 4);
      const c0 = randomF32(rng, m * ldc + 4);
      const rows = new NativeRows(k, n, b, 0, ldb, blocks);
      for (const accumulate of [false, true]) {
        const got = c0.slice(), want = c0.slice();
        rows.run(m, a, 4, lda, got, 4, ldc, accumulate);
        for (let i = 0; i < m; i++) {
          // deno-fmt-ignore
          rowProductReference(a, 4 + i * lda, b, 0, ldb, n, want, 4 + i * ldc, blocks, accumulate);
        }
        assert.deepEqual(got, want, `${k}×${n} blocks ${blocks}, accumulate ${accumulate}`);
      }
    }
  },
});

Deno.test({
  name: "NativeRows: refuses operands it would read or write past, before running anything",
  ignore: !("ok" in support),
  fn() {
    const b = new Float32Array(16 * 8).fill(1);
    const rows = new NativeRows(16, 8, b, 0, 8, [16]);
    const a = new Float32Array(16), c = new Float32Array(8).fill(7);
    assert.throws(
      () => rows.run(2, a, 0, 16, c, 0, 8, false),
      /A \(2×16 at offset 0, leading dimension 16\) does not fit its array of 16 elements/,
    );
    assert.throws(() => rows.run(1, a, 0, 16, new Float32Array(4), 0, 8, false), /C \(1×8/);
    const buffer = new ArrayBuffer(64);
    const detached = new Float32Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    assert.throws(
      () => rows.run(1, detached, 0, 16, c, 0, 8, false),
      /A is empty or its buffer was detached/,
    );
    assert.deepEqual([...c], new Array(8).fill(7));
  },
});

Deno.test("emitRowKernel: one loop per pass and k block, ending in vzeroupper; xor eax; ret", () => {
  const code = emitRowKernel(16, 20, [16], false, 0x1000n);
  assert.deepEqual([...code.slice(-6)], [0xc5, 0xf8, 0x77, 0x31, 0xc0, 0xc3]);
  const loops = (c: Uint8Array) => {
    let count = 0;
    for (let i = 0; i + 3 < c.length; i++) {
      if (c[i] === 0xff && c[i + 1] === 0xc9 && c[i + 2] === 0x0f && c[i + 3] === 0x85) count++;
    }
    return count;
  };
  assert.equal(loops(code), 2); // 16 columns in ymm, then 4 one by one
  assert.equal(loops(emitRowKernel(16, 20, [8, 8], true, 0x1000n)), 4);
});
