import assert from "node:assert/strict";
import { nativeSupport } from "./_native_exec.ts";
import { emitGemmKernel, NativeGemm, packTiles } from "./_native_gemm.ts";
import { rowProductReference } from "./_native_rows.ts";
import { Random } from "./random.ts";
import { randomF32 } from "./_test_util.ts";

const support = nativeSupport();
const avx512 = "ok" in support && support.avx512;
if (!avx512) {
  console.log(
    `AVX-512 product tests skipped: ${"reason" in support ? support.reason : "no AVX-512F"}`,
  );
}

Deno.test("packTiles: 64-column tiles row after row, the last one padded to whole 16s", () => {
  // B 2×70 (ldb 71): tile 0 = columns 0–63 of row 0, then of row 1; tile 1 = columns 64–69,
  // padded to 16, of each row.
  const b = new Float32Array(2 * 71).map((_, i) => i + 1);
  const p = packTiles(b, 0, 71, 2, 70);
  assert.equal(p.length, 2 * 64 + 2 * 16);
  assert.deepEqual([...p.subarray(0, 3)], [1, 2, 3]);
  assert.deepEqual([...p.subarray(64, 67)], [72, 73, 74]);
  assert.deepEqual([...p.subarray(128, 144)], [65, 66, 67, 68, 69, 70, ...new Array(10).fill(0)]);
  assert.deepEqual([...p.subarray(144, 150)], [136, 137, 138, 139, 140, 141]);
  assert.equal(packTiles(b, 0, 71, 2, 0).length, 0);
});

Deno.test({
  name: "NativeGemm: equals the one-row reference for every tile remainder, tail, k block and mode",
  ignore: !avx512,
  fn() {
    const rng = new Random(17);
    const shapes: [number, number, number, number[]][] = [
      [1, 8, 16, [8]],
      [5, 17, 3, [17]],
      [6, 1, 1, [1]],
      [7, 33, 100, [33]],
      [12, 128, 512, [128]],
      [13, 64, 200, [30, 34]],
      [20, 512, 130, [256, 256]],
      [9, 10, 79, [5, 5]],
      [31, 48, 64, [48]],
      [4, 100, 127, [40, 30, 30]],
      [1, 128, 512, [128]], // one row (W4's step)
      [2, 40, 448, [20, 20]], // two rows, seven full tiles
      [8, 16, 300, [16]], // a tile of six rows, one of two, four full column tiles and a tail
    ];
    for (const [m, k, n, blocks] of shapes) {
      const lda = k + 3, ldc = n + 5, ldb = n + 2;
      const a = randomF32(rng, m * lda + 2), b = randomF32(rng, k * ldb);
      const c0 = randomF32(rng, m * ldc + 2);
      const gemm = new NativeGemm(k, n, b, 0, ldb, blocks);
      for (const accumulate of [false, true]) {
        const got = c0.slice(), want = c0.slice();
        gemm.run(m, a, 2, lda, got, 2, ldc, accumulate);
        for (let i = 0; i < m; i++) {
          // deno-fmt-ignore
          rowProductReference(a, 2 + i * lda, b, 0, ldb, n, want, 2 + i * ldc, blocks, accumulate);
        }
        assert.deepEqual(
          got,
          want,
          `${m}×${k}·${k}×${n}, blocks ${blocks}, accumulate ${accumulate}`,
        );
      }
    }
  },
});

Deno.test({
  name: "NativeGemm: a bias start gives the bits of filling C with the bias row and accumulating",
  ignore: !avx512,
  fn() {
    const rng = new Random(19);
    const shapes: [number, number, number, number[]][] = [
      [13, 40, 100, [40]],
      [7, 512, 70, [256, 256]],
      [1, 3, 5, [3]],
    ];
    for (const [m, k, n, blocks] of shapes) {
      const lda = k + 1, ldc = n + 3;
      const a = randomF32(rng, m * lda), b = randomF32(rng, k * n), bias = randomF32(rng, n + 2);
      const gemm = new NativeGemm(k, n, b, 0, n, blocks);
      const got = new Float32Array(m * ldc).fill(NaN), want = new Float32Array(m * ldc).fill(NaN);
      gemm.runFrom("bias", m, a, 0, lda, got, 0, ldc, bias, 2);
      for (let i = 0; i < m; i++) {
        want.set(bias.subarray(2, 2 + n), i * ldc);
        rowProductReference(a, i * lda, b, 0, n, n, want, i * ldc, blocks, true);
      }
      assert.deepEqual(got, want, `${m}×${k}·${k}×${n}`);
    }
  },
});

Deno.test({
  name: "NativeGemm: rows far apart (a stride past 2^21 floats) after near ones, each right",
  ignore: !avx512,
  fn() {
    const rng = new Random(23);
    const k = 8, n = 20;
    const b = randomF32(rng, k * n);
    const gemm = new NativeGemm(k, n, b, 0, n, [k]);
    for (const lda of [k, 2 ** 21 + 3]) {
      const a = randomF32(rng, lda + k);
      const got = new Float32Array(2 * n), want = new Float32Array(2 * n);
      gemm.run(2, a, 0, lda, got, 0, n, false);
      for (let i = 0; i < 2; i++) {
        rowProductReference(a, i * lda, b, 0, n, n, want, i * n, [k], false);
      }
      assert.deepEqual(got, want, `lda ${lda}`);
    }
  },
});

Deno.test({
  name: "NativeGemm: checks its operands first, and k = 0 zeroes or keeps C",
  ignore: !avx512,
  fn() {
    const gemm = new NativeGemm(16, 20, new Float32Array(16 * 20).fill(1), 0, 20, [16]);
    const a = new Float32Array(16 * 3), c = new Float32Array(20 * 3).fill(7);
    assert.throws(() => gemm.run(4, a, 0, 16, c, 0, 20, false), /A \(4×16 at offset 0/);
    assert.throws(() => gemm.run(3, a, 0, 16, c, 1, 20, false), /C \(3×20 at offset 1/);
    assert.ok(c.every((v) => v === 7));
    const empty = new NativeGemm(0, 4, new Float32Array(0), 0, 4, []);
    const c2 = new Float32Array(8).fill(3);
    empty.run(2, new Float32Array(2), 0, 1, c2, 0, 4, true);
    assert.deepEqual([...c2], new Array(8).fill(3));
    empty.run(2, new Float32Array(2), 0, 1, c2, 0, 4, false);
    assert.deepEqual([...c2], new Array(8).fill(0));
  },
});

Deno.test("emitGemmKernel: 1 to 6 rows a tile; a row loop for the full tiles and one for the tail", () => {
  assert.throws(() => emitGemmKernel(8, 64, 8, 64, 7, [8], "zero", 0n), /7 rows a tile/);
  const rowLoops = (code: Uint8Array) => {
    let count = 0; // dec rbx; jnz
    for (let i = 0; i + 4 < code.length; i++) {
      if (
        code[i] === 0x48 && code[i + 1] === 0xff && code[i + 2] === 0xcb && code[i + 3] === 0x0f
      ) count++;
    }
    return count;
  };
  const code = emitGemmKernel(8, 100, 8, 100, 6, [8], "zero", 0x1000n);
  // vzeroupper; pop r14; pop r13; pop rbx; xor eax, eax; ret
  assert.deepEqual([...code.slice(-11)], [
    0xc5,
    0xf8,
    0x77,
    0x41,
    0x5e,
    0x41,
    0x5d,
    0x5b,
    0x31,
    0xc0,
    0xc3,
  ]);
  assert.equal(rowLoops(code), 2);
  assert.equal(rowLoops(emitGemmKernel(8, 128, 8, 128, 6, [8], "accumulate", 0x1000n)), 1);
  assert.equal(rowLoops(emitGemmKernel(8, 16, 8, 16, 3, [8], "bias", 0x1000n)), 1);
});
