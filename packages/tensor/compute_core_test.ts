import assert from "node:assert/strict";
import {
  computeCoreActive,
  coreActivationCode,
  lstmGatesCore,
  ResidentArray,
  sgemmCore,
  vectorActivation,
} from "./compute_core.ts";
import { getActivation } from "./activations.ts";
import { packMatrix } from "./_gemm_packed_matrix.ts";
import { fmaF32, sgemmReference } from "./_sgemm_wasm.ts";
import { coreArithmetic, withDeterministicArithmetic } from "./core_arithmetic.ts";
import { Random } from "./random.ts";

const skip = !computeCoreActive();

function randomArray(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1);
  return out;
}

/** Distance in float32 units in the last place (same sign assumed). */
function ulps(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0] - i[1]);
}

/** Runs `check` in deterministic mode, then in the default mode, naming the arithmetic. */
function inBothModes(check: (arith: string) => void): void {
  for (const deterministic of [true, false]) {
    withDeterministicArithmetic(deterministic, () => check(coreArithmetic()));
  }
}

Deno.test({
  name: "sgemmCore gives the bits of sgemmReference for every start, shape and stride",
  ignore: skip,
  fn: () => inBothModes(sgemmMatchesReference),
});

function sgemmMatchesReference(arith: string): void {
  {
    const rng = new Random(7);
    for (
      const [m, k, n] of [
        [1, 1, 1],
        [3, 5, 4],
        [37, 33, 20],
        [9, 70, 13],
        [6, 0, 7],
        [5, 17, 2],
        // Single rows over wide panel groups, k with every remainder of the unrolled loop.
        [1, 45, 40],
        [7, 71, 36],
        [2, 8, 33],
        [1, 3, 32],
      ]
    ) {
      for (const start of ["zero", "accumulate", "bias"] as const) {
        const lda = k + 3, ldc = n + 2;
        const aPlain = randomArray(rng, m * lda);
        const bPlain = randomArray(rng, k * n);
        const cPlain = randomArray(rng, m * ldc);
        const biasPlain = randomArray(rng, n + 1);
        const packed = packMatrix(bPlain, 0, n, k, n);
        using a = new ResidentArray(aPlain.length);
        using c = new ResidentArray(cPlain.length);
        using bias = new ResidentArray(biasPlain.length);
        a.f32.set(aPlain);
        c.f32.set(cPlain);
        bias.f32.set(biasPlain);
        sgemmCore(m, a.f32, 0, lda, packed, c.f32, 0, ldc, start, bias.f32, 1);
        const want = cPlain.slice();
        const init = start === "zero" ? 0 : start === "accumulate" ? 1 : 2;
        const fused = arith === "fused";
        // deno-fmt-ignore
        sgemmReference(m, n, k, aPlain, 0, lda, bPlain, 0, n, want, 0, ldc, init, biasPlain, 1, fused);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < ldc; j++) {
            const idx = i * ldc + j;
            // Columns past n are untouched.
            assert.equal(
              c.f32[idx],
              j < n ? want[idx] : cPlain[idx],
              `${arith} ${m}x${k}x${n} ${start} [${i}, ${j}]`,
            );
          }
        }
      }
    }
  }
}

Deno.test("fmaF32 rounds a·b + c once, ties included", () => {
  const a = 1 + 2 ** -12;
  // a·a = 1 + 2⁻¹¹ + 2⁻²⁴: a tie when rounded alone (to even: 1 + 2⁻¹¹).
  assert.equal(fmaF32(a, a, -(1 + 2 ** -11)), 2 ** -24);
  assert.equal(Math.fround(Math.fround(a * a) - (1 + 2 ** -11)), 0);
  // a·a ± 2⁻⁸⁰ rounds to the same double, a float32 tie; the part the double lost decides it.
  assert.equal(fmaF32(a, a, 2 ** -80), 1 + 2 ** -11 + 2 ** -23);
  assert.equal(fmaF32(a, a, -(2 ** -80)), 1 + 2 ** -11);
  assert.equal(Math.fround(a * a + 2 ** -80), 1 + 2 ** -11);
  assert.equal(fmaF32(3, 0.5, 0.25), 1.75);
  assert.equal(fmaF32(2, 3, -6), 0);
});

Deno.test({
  name: "coreArithmetic: deterministic mode rounds separately; the default fuses where it can",
  ignore: skip,
  fn() {
    assert.equal(withDeterministicArithmetic(true, coreArithmetic), "separate");
    const mode = withDeterministicArithmetic(false, coreArithmetic);
    assert.ok(mode === "fused" || mode === "separate", mode);
    // What the pool relies on: one mode gives the same bits every time.
    const rng = new Random(9);
    const packed = packMatrix(randomArray(rng, 96 * 40), 0, 40, 96, 40);
    using a = new ResidentArray(96 * 5);
    using c1 = new ResidentArray(5 * 40);
    using c2 = new ResidentArray(5 * 40);
    a.f32.set(randomArray(rng, 96 * 5));
    sgemmCore(5, a.f32, 0, 96, packed, c1.f32, 0, 40);
    for (let i = 0; i < 50; i++) sgemmCore(5, a.f32, 0, 96, packed, c2.f32, 0, 40);
    assert.deepEqual(c2.f32, c1.f32);
  },
});

Deno.test({
  name: "sgemmCore: a row's result is the same alone, in a batch of 37 and from an offset",
  ignore: skip,
  fn() {
    const rng = new Random(3);
    const m = 37, k = 160, n = 52;
    const aPlain = randomArray(rng, m * k);
    const packed = packMatrix(randomArray(rng, k * n), 0, n, k, n);
    using a = new ResidentArray(m * k);
    using all = new ResidentArray(m * n);
    using one = new ResidentArray(n);
    a.f32.set(aPlain);
    sgemmCore(m, a.f32, 0, k, packed, all.f32, 0, n);
    for (const i of [0, 5, 36]) {
      sgemmCore(1, a.f32, i * k, k, packed, one.f32, 0, n);
      assert.deepEqual(one.f32, all.f32.slice(i * n, (i + 1) * n));
    }
  },
});

Deno.test({
  name: "vectorActivation: sigmoid within 2 ulp and tanh within 6 ulp of double precision",
  ignore: skip,
  fn: () => inBothModes(activationsWithinUlps),
});

function activationsWithinUlps(arith: string): void {
  {
    const n = 40_003; // not a multiple of 4: the tail runs too
    for (
      const [name, ref, bound] of [
        ["sigmoid", (v: number) => 1 / (1 + Math.exp(-v)), 2],
        ["tanh", Math.tanh, 6],
      ] as const
    ) {
      using x = new ResidentArray(n);
      const input = new Float32Array(n);
      for (let i = 0; i < n; i++) input[i] = (i - 20_000) / 1000; // [-20, 20]
      x.f32.set(input);
      vectorActivation(coreActivationCode(getActivation(name)), x.f32, 0, n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const want = Math.fround(ref(input[i]));
        if (Math.abs(want) > 1e-30) worst = Math.max(worst, ulps(x.f32[i], want));
      }
      assert.ok(worst <= bound, `${arith} ${name}: ${worst} ulp`);
      assert.equal(x.f32[20_000], name === "sigmoid" ? 0.5 : 0);
    }
  }
}

Deno.test({
  name: "vectorActivation: relu and both hard sigmoids match their definitions",
  ignore: skip,
  fn() {
    const input = [-7, -3, -2.5, -0.1, 0, 0.3, 2.5, 3, 9];
    const cases: [string, (v: number) => number][] = [
      ["relu", (v) => Math.max(v, 0)],
      ["hard_sigmoid", (v) => Math.min(Math.max(Math.fround(Math.fround(v / 6) + 0.5), 0), 1)],
      [
        "hard_sigmoid_keras2",
        (v) => Math.min(Math.max(Math.fround(Math.fround(0.2 * v) + 0.5), 0), 1),
      ],
      ["linear", (v) => v],
    ];
    for (const [name, ref] of cases) {
      using x = new ResidentArray(input.length);
      x.f32.set(input);
      vectorActivation(coreActivationCode(getActivation(name)), x.f32, 0, input.length);
      assert.deepEqual(Array.from(x.f32), input.map((v) => Math.fround(ref(Math.fround(v)))), name);
    }
    assert.equal(coreActivationCode(getActivation("gelu")), -1);
  },
});

Deno.test({
  name: "vectorActivation lets NaN through, as Keras's activations do",
  ignore: skip,
  fn() {
    for (const name of ["sigmoid", "tanh", "relu", "hard_sigmoid", "hard_sigmoid_keras2"]) {
      using x = new ResidentArray(5);
      x.f32.set([NaN, 1, NaN, -1, NaN]);
      vectorActivation(coreActivationCode(getActivation(name)), x.f32, 0, 5);
      assert.deepEqual([0, 2, 4].map((i) => Number.isNaN(x.f32[i])), [true, true, true], name);
    }
  },
});

Deno.test({
  name: "lstmGatesCore follows Keras's LSTM update and skips masked rows",
  ignore: skip,
  fn() {
    const u = 5, batch = 3, stride = 4 * u + 2;
    const rng = new Random(11);
    const projPlain = randomArray(rng, batch * stride).map((v) => 3 * v);
    const hPlain = randomArray(rng, batch * u), cPlain = randomArray(rng, batch * u);
    using proj = new ResidentArray(projPlain.length);
    using h = new ResidentArray(batch * u);
    using c = new ResidentArray(batch * u);
    using mask = new ResidentArray(1);
    proj.f32.set(projPlain);
    h.f32.set(hPlain);
    c.f32.set(cPlain);
    mask.bytes.set([1, 0, 1]);
    const sig = coreActivationCode(getActivation("sigmoid"));
    const tanh = coreActivationCode(getActivation("tanh"));
    const rows = {
      batch,
      units: u,
      proj: proj.f32,
      projOffset: 0,
      stateOffset: 0,
      projStride: stride,
      mask: { bytes: mask.bytes, offset: 0, stride: 1 },
    };
    lstmGatesCore(rows, h.f32, c.f32, sig, tanh);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < u; j++) {
        const z = (g: number) => projPlain[b * stride + g * u + j];
        const c0 = cPlain[b * u + j];
        const cNew = s(z(1)) * c0 + s(z(0)) * Math.tanh(z(2));
        const hNew = s(z(3)) * Math.tanh(cNew);
        const [wantC, wantH] = b === 1 ? [c0, hPlain[b * u + j]] : [cNew, hNew];
        assert.ok(Math.abs(c.f32[b * u + j] - wantC) < 1e-6, `c[${b}, ${j}]`);
        assert.ok(Math.abs(h.f32[b * u + j] - wantH) < 1e-6, `h[${b}, ${j}]`);
      }
    }
  },
});

Deno.test({
  name: "ResidentArray refuses a stale view and use after free",
  ignore: skip,
  fn() {
    const a = new ResidentArray(4);
    const view = a.f32;
    a.free();
    assert.throws(() => a.f32, /used after free/);
    using c = new ResidentArray(4);
    assert.throws(
      () =>
        sgemmCore(
          1,
          new Float32Array(4),
          0,
          4,
          packMatrix(new Float32Array(4), 0, 1, 4, 1),
          c.f32,
          0,
          1,
        ),
      /A must be a view of a ResidentArray/,
    );
    void view;
  },
});
