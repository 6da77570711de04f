/**
 * Vectorised activations of the WebAssembly compute core: emitters that compute an activation
 * of the f32x4 in one local into another, and {@linkcode activationFunction}, a WebAssembly
 * function applying one of them in place over a range of floats.
 *
 * - sigmoid: `1 / (1 + exp(−x))` as Keras computes it, with Cephes's `expf` (range reduction
 *   by ln 2 in two parts, a degree-5 polynomial, the power of two built in the exponent bits);
 *   `−x` is clamped to [−87, 88] so that the power of two stays a normal number.
 * - tanh: the rational approximation of Eigen and ONNX Runtime's MLAS (odd degree-13 numerator
 *   over degree-6 denominator, input clamped to ±9).
 * - hard_sigmoid (Keras 3: `clip(x/6 + 0.5, 0, 1)`), hard_sigmoid_keras2 (`clip(0.2x + 0.5, 0,
 *   1)`), relu (`max(x, 0)`) and linear.
 *
 * Every operation rounds to float32. With {@linkcode Arithmetic} `"separate"` none is fused, so
 * the results are the same on every CPU; with `"fused"` the multiply-adds of the polynomials
 * and range reductions are `relaxed_madd` (one rounding where the CPU has FMA: fewer
 * instructions, the same or better accuracy). Clamps use `pmin`/`pmax` (one instruction each,
 * where `min`/`max` cost a sequence), with the value first so that NaN passes through. The
 * polynomial of `exp` runs in Estrin's form (pairs of terms, then powers of x²), which shortens
 * its chain of dependent multiply-adds from five to three: the LSTM update, three sigmoids a
 * unit, took 3.49–3.60 ns a unit instead of 3.63–3.73 (256×128 on one vCPU, 8 alternating runs
 * each; the same form for tanh's numerator gained nothing more). The accuracy against the
 * double-precision definitions is tested in ulp, in both forms (over [−20, 20]: sigmoid at most
 * 2 ulp, tanh 4 fused, 5 separate).
 *
 * @module
 */
import { op } from "./_gemm_wasm_asm.ts";
import type { WasmFn } from "./_wasm_fn.ts";

/** The activations the core runs, by code (the `act` argument of the core's kernels). */
export const VECTOR_ACTIVATIONS = {
  linear: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  hard_sigmoid: 4,
  hard_sigmoid_keras2: 5,
} as const;

/** A name of {@linkcode VECTOR_ACTIVATIONS}. */
export type VectorActivation = keyof typeof VECTOR_ACTIVATIONS;

const LOG2E = 1.44269504088896341;
/** 1.5·2²³: a float32 sum with it is rounded to an integer kept in the low mantissa bits. */
const ROUND_MAGIC = 12582912;
/** The bits of 1.0f: 127 << 23. */
const ONE_BITS = 0x3f800000;
const EXP_C1 = 0.693359375;
const EXP_C2 = -2.12194440e-4;
const EXP_P = [
  1.9875691500e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
];
const TANH_ALPHA = [
  -2.76076847742355e-16,
  2.00018790482477e-13,
  -8.60467152213735e-11,
  5.12229709037114e-08,
  1.48572235717979e-05,
  6.37261928875436e-04,
  4.89352455891786e-03,
];
const TANH_BETA = [
  1.19825839466702e-06,
  1.18534705686654e-04,
  2.26843463243900e-03,
  4.89352518554385e-03,
];

/** Temporaries an emitter may use (v128 locals of the function). */
export interface ActivationTemps {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
}

/** Allocates the temporaries of the emitters in `f`. */
export function activationTemps(f: WasmFn): ActivationTemps {
  return { t0: f.v128(), t1: f.v128(), t2: f.v128() };
}

/**
 * How the kernels compute `a·b + c`: `"separate"`, a rounded product then a rounded sum (the
 * same bits on every CPU), or `"fused"`, `relaxed_madd` (rounded once where the CPU has FMA).
 */
export type Arithmetic = "separate" | "fused";

/** Emits `a·b + c`, each operand given as the instructions that push it. */
export function emitMulAdd(
  f: WasmFn,
  arith: Arithmetic,
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
): void {
  f.emit(mulAdd(arith, a, b, c));
}

/** The instructions of `a·b + c`, each operand given as the instructions that push it. */
function mulAdd(
  arith: Arithmetic,
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
): number[] {
  return arith === "fused"
    ? [...a, ...b, ...c, ...op.f32x4RelaxedMadd]
    : [...a, ...b, ...op.f32x4Mul, ...c, ...op.f32x4Add];
}

/**
 * The instructions of `Σ c[i]·xⁿ⁻ⁱ` (`c` from the highest power down) in Estrin's form: pairs
 * `c[i]·x + c[i+1]` first, then Horner's rule in `x2 = x²` over the pairs. The same number of
 * multiply-adds as Horner's rule in `x`, in about half as many dependent steps.
 */
function estrin(
  f: WasmFn,
  arith: Arithmetic,
  x: number,
  x2: number,
  c: readonly number[],
): number[] {
  const k = (v: number) => op.get(f.f32x4(v));
  const pairs: number[][] = [];
  let i = c.length;
  while (i >= 2) {
    pairs.unshift(mulAdd(arith, op.get(x), k(c[i - 2]), k(c[i - 1])));
    i -= 2;
  }
  let p = i === 1 ? k(c[0]) : pairs.shift()!;
  for (const q of pairs) p = mulAdd(arith, op.get(x2), p, q);
  return p;
}

/** Emits `c − a·b`, each operand given as the instructions that push it. */
function emitMulSub(
  f: WasmFn,
  arith: Arithmetic,
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
): void {
  if (arith === "fused") f.emit(a, b, c, op.f32x4RelaxedNmadd);
  else f.emit(c, a, b, op.f32x4Mul, op.f32x4Sub);
}

/** `p = p·x + c` with `p` and `x` locals. */
function horner(f: WasmFn, arith: Arithmetic, p: number, x: number, c: number): void {
  emitMulAdd(f, arith, op.get(p), op.get(x), op.get(f.f32x4(c)));
  f.emit(op.set(p));
}

/**
 * `out = exp(x)` for x in [−87, 88] (`x` is overwritten). `n = round(x·log2 e)` is taken with
 * the 1.5·2²³ trick: adding it rounds to an integer (ties to even) that then sits in the low
 * bits of the sum, from where a shift makes it the exponent of 2ⁿ.
 */
function emitExp(f: WasmFn, arith: Arithmetic, x: number, out: number, t: ActivationTemps): void {
  const { t0: sum, t1: p, t2: fx } = t;
  const z = fx; // x² once fx is used up
  const magic = f.f32x4(ROUND_MAGIC);
  emitMulAdd(f, arith, op.get(x), op.get(f.f32x4(LOG2E)), op.get(magic));
  f.emit(op.set(sum), op.get(sum), op.get(magic), op.f32x4Sub, op.set(fx));
  emitMulSub(f, arith, op.get(fx), op.get(f.f32x4(EXP_C1)), op.get(x));
  f.emit(op.set(x));
  emitMulSub(f, arith, op.get(fx), op.get(f.f32x4(EXP_C2)), op.get(x));
  f.emit(op.set(x), op.get(x), op.get(x), op.f32x4Mul, op.set(z));
  f.emit(estrin(f, arith, x, z, EXP_P), op.set(p));
  emitMulAdd(f, arith, op.get(p), op.get(z), op.get(x));
  f.emit(op.get(f.f32x4(1)), op.f32x4Add);
  f.emit(op.get(sum), op.i32(23), op.i32x4Shl, op.get(f.i32x4(ONE_BITS)), op.i32x4Add);
  f.emit(op.f32x4Mul, op.set(out));
}

/** `out = act(x)` (`x` may be overwritten; `out` may be `x`). */
export function emitActivation(
  f: WasmFn,
  arith: Arithmetic,
  act: VectorActivation,
  x: number,
  out: number,
  t: ActivationTemps,
): void {
  switch (act) {
    case "linear":
      if (out !== x) f.emit(op.get(x), op.set(out));
      return;
    case "relu":
      f.emit(op.get(x), op.zero, op.f32x4Pmax, op.set(out));
      return;
    case "hard_sigmoid":
    case "hard_sigmoid_keras2": {
      if (act === "hard_sigmoid") f.emit(op.get(x), op.get(f.f32x4(6)), op.f32x4Div);
      else f.emit(op.get(x), op.get(f.f32x4(0.2)), op.f32x4Mul);
      f.emit(op.get(f.f32x4(0.5)), op.f32x4Add, op.zero, op.f32x4Pmax, op.get(f.f32x4(1)));
      f.emit(op.f32x4Pmin, op.set(out));
      return;
    }
    case "sigmoid":
      emitSigmoidDenominator(f, arith, x, out, t);
      f.emit(op.get(f.f32x4(1)), op.get(out), op.f32x4Div, op.set(out));
      return;
    case "tanh":
      emitTanhParts(f, arith, x, t.t2, x, t);
      f.emit(op.get(t.t2), op.get(x), op.f32x4Div, op.set(out));
      return;
  }
}

/**
 * `out = 1 + exp(−x)`, sigmoid's denominator (`x` is overwritten): `σ(x) = 1 / out`, and a
 * product `σ(x)·v` is `v / out`, one division fewer. `−x` is clamped to [−87, 88], so `out` is
 * finite (at most 1.7e38).
 */
export function emitSigmoidDenominator(
  f: WasmFn,
  arith: Arithmetic,
  x: number,
  out: number,
  t: ActivationTemps,
): void {
  f.emit(op.get(x), op.f32x4Neg, op.get(f.f32x4(-87)), op.f32x4Pmax, op.get(f.f32x4(88)));
  f.emit(op.f32x4Pmin, op.set(x));
  emitExp(f, arith, x, out, t);
  f.emit(op.get(f.f32x4(1)), op.get(out), op.f32x4Add, op.set(out));
}

/**
 * tanh's rational approximation as its two parts, `tanh(x) = num / den` (`x` is overwritten; `den`
 * may be `x`, `num` must be another local and not `t.t0` or `t.t1`). With `x` clamped to ±9,
 * `|num| ≤ den` and `den` is in [0.0049, 1.6], so `num / (den · d)` stays finite for any `d` up to
 * 1e38 (a sigmoid's denominator).
 */
export function emitTanhParts(
  f: WasmFn,
  arith: Arithmetic,
  x: number,
  num: number,
  den: number,
  t: ActivationTemps,
): void {
  const { t0: x2, t1: p } = t;
  f.emit(op.get(x), op.get(f.f32x4(-9)), op.f32x4Pmax, op.get(f.f32x4(9)), op.f32x4Pmin);
  f.emit(op.set(x), op.get(x), op.get(x), op.f32x4Mul, op.set(x2));
  f.emit(op.get(f.f32x4(TANH_ALPHA[0])), op.set(p));
  for (const c of TANH_ALPHA.slice(1)) horner(f, arith, p, x2, c);
  f.emit(op.get(p), op.get(x), op.f32x4Mul, op.set(num));
  f.emit(op.get(f.f32x4(TANH_BETA[0])), op.set(den));
  for (const c of TANH_BETA.slice(1)) horner(f, arith, den, x2, c);
}

/**
 * `act(code, ptr, n)`: applies the activation numbered `code` ({@linkcode VECTOR_ACTIVATIONS})
 * in place to the `n` floats at byte `ptr`, four at a time; the last 1 to 3 go through the
 * 16 bytes at `tail` (scratch), so every value is computed by the same vector code.
 */
export function activationFunction(f: WasmFn, arith: Arithmetic, tail: number): void {
  const [code, ptr, n] = [0, 1, 2];
  const x = f.v128(), end = f.i32(), i = f.i32();
  const t = activationTemps(f);
  const apply = () => {
    for (const [name, value] of Object.entries(VECTOR_ACTIVATIONS)) {
      f.ifElse([...op.get(code), ...op.i32(value), ...op.eq], () => {
        emitActivation(f, arith, name as VectorActivation, x, x, t);
      });
    }
  };
  f.emit(op.get(ptr), op.get(n), op.i32(-4), op.and, op.i32(2), op.shl, op.add, op.set(end));
  // One activation per vector loop (the code is tested once per loop, not per vector).
  for (const [name, value] of Object.entries(VECTOR_ACTIVATIONS)) {
    if (name === "linear") continue;
    f.ifElse([...op.get(code), ...op.i32(value), ...op.eq], () => {
      f.loopWhile([...op.get(ptr), ...op.get(end), ...op.ltU], () => {
        f.emit(op.get(ptr), op.get(ptr), op.load(0), op.set(x));
        emitActivation(f, arith, name as VectorActivation, x, x, t);
        f.emit(op.get(x), op.store(0));
        f.bump(ptr, 16);
      });
    });
  }
  // The tail: copy in, one vector, copy out.
  f.emit(op.get(n), op.i32(3), op.and, op.set(n));
  f.ifElse(op.get(n), () => {
    f.setConst(i, 0);
    f.loopWhile([...op.get(i), ...op.get(n), ...op.ltS], () => {
      f.emit(op.i32(tail), op.get(i), op.i32(2), op.shl, op.add);
      f.emit(op.get(ptr), op.get(i), op.i32(2), op.shl, op.add, op.loadF32(0), op.storeF32(0));
      f.bump(i, 1);
    });
    f.emit(op.i32(tail), op.load(0), op.set(x));
    apply();
    f.emit(op.i32(tail), op.get(x), op.store(0));
    f.setConst(i, 0);
    f.loopWhile([...op.get(i), ...op.get(n), ...op.ltS], () => {
      f.emit(op.get(ptr), op.get(i), op.i32(2), op.shl, op.add);
      f.emit(op.i32(tail), op.get(i), op.i32(2), op.shl, op.add, op.loadF32(0), op.storeF32(0));
      f.bump(i, 1);
    });
  });
}
