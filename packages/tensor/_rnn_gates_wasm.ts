/**
 * The gate updates of the recurrent cells, as WebAssembly functions of the compute core. Each
 * runs one timestep for a whole batch, after the step's product has been added to the
 * projection: gate activations, state update and mask handling in one pass over memory, the
 * states resident in WebAssembly memory. Addresses and strides are in bytes; a row whose mask
 * byte (`mask + b·maskStride`, when `mask` is not 0) is 0 is skipped: its states stay as they
 * were. Activations are called by code ({@linkcode VECTOR_ACTIVATIONS}) through the core's
 * `act` function.
 *
 * The arithmetic follows Keras 3's cells operation for operation (each product, sum and
 * activation rounded to float32):
 * - LSTM (gates i, f, c, o): `c' = f·c + i·act(z_c)`, `h' = o·act(c')`.
 * - GRU, reset_after: `z, r = gate(x_zr + rec_zr)`, `ĥ = act(x_h + r·rec_h)`,
 *   `h' = z·h + (1 − z)·ĥ`, where `rec = h·R + recurrent bias`.
 * - GRU, reset before: `z, r = gate(x_zr + rec_zr)`, `rh = r·h` (then the caller adds
 *   `rh·R_h` to `x_h`), and `gruFinish`: `ĥ = act(x_h)`, `h' = z·h + (1 − z)·ĥ`.
 * - SimpleRNN: `h' = act(z)`.
 *
 * @module
 */
import { op } from "./_gemm_wasm_asm.ts";
import { WasmFn } from "./_wasm_fn.ts";
import {
  activationTemps,
  type Arithmetic,
  emitSigmoidDenominator,
  emitTanhParts,
  VECTOR_ACTIVATIONS,
} from "./_vector_activations_wasm.ts";

/** Index of the `act(code, ptr, n)` function in the core's module. */
export const ACT_FN = 0;

/** Scalar or vector forms of the elementwise operations, so that one body serves both. */
interface Lanes {
  readonly width: number;
  load(ptr: number): number[];
  store(ptr: number, value: readonly number[]): number[];
  readonly add: readonly number[];
  readonly sub: readonly number[];
  readonly mul: readonly number[];
  one(): number[];
}

const VECTOR: Lanes = {
  width: 4,
  load: (ptr) => [...op.get(ptr), ...op.load(0)],
  store: (ptr, value) => [...op.get(ptr), ...value, ...op.store(0)],
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  one: () => op.f32x4Const(1),
};

const SCALAR: Lanes = {
  width: 1,
  load: (ptr) => [...op.get(ptr), ...op.loadF32(0)],
  store: (ptr, value) => [...op.get(ptr), ...value, ...op.storeF32(0)],
  add: op.f32Add,
  sub: op.f32Sub,
  mul: op.f32Mul,
  one: () => op.f32Const(1),
};

/**
 * An elementwise loop over `n` floats (`n` an i32 local) with pointer locals `ptrs`, which it
 * advances: four at a time, then one at a time, with the same `body` for both (only the lane
 * count differs). `count` is a scratch i32 local.
 */
function elementwise(
  f: WasmFn,
  n: number,
  count: number,
  ptrs: readonly number[],
  body: (l: Lanes) => void,
): void {
  f.emit(op.get(n), op.set(count));
  for (const l of [VECTOR, SCALAR]) {
    f.loopWhile([...op.get(count), ...op.i32(l.width), ...op.geS], () => {
      body(l);
      for (const p of ptrs) f.bump(p, 4 * l.width);
      f.bump(count, -l.width);
    });
  }
}

/** `ptr = base + b·stride` */
function rowPointer(f: WasmFn, ptr: number, base: number, b: number, stride: number): void {
  f.emit(op.get(base), op.get(b), op.get(stride), op.mul, op.add, op.set(ptr));
}

/** `call act(code, ptr, n)`: `n` leaves the count on the stack. */
function callAct(f: WasmFn, code: number, ptr: number, n: readonly number[]): void {
  f.emit(op.get(code), op.get(ptr), n, op.call(ACT_FN));
}

/**
 * The row loop shared by every gate function: for each unmasked row `b`, `body(b)` with the
 * row's pointers set by the caller's `rows`.
 */
function forEachRow(
  f: WasmFn,
  batch: number,
  mask: number,
  maskStride: number,
  body: (b: number) => void,
): void {
  const b = f.i32();
  f.setConst(b, 0);
  f.loopWhile([...op.get(b), ...op.get(batch), ...op.ltS], () => {
    f.ifElse(
      [
        ...op.get(mask),
        ...op.eqz,
        ...op.get(mask),
        ...op.get(b),
        ...op.get(maskStride),
        ...op.mul,
        ...op.add,
        ...op.loadU8(0),
        ...op.or,
      ],
      () => body(b),
    );
    f.bump(b, 1);
  });
}

/**
 * A local that is 1 when the rows can take the fused path: sigmoid gates, tanh activation
 * and a unit count that is a multiple of 4 (whole vectors). Other cells go through `act`.
 */
function standardRows(f: WasmFn, u: number, gate: number, act: number): number {
  const fast = f.i32();
  f.emit(op.get(gate), op.i32(VECTOR_ACTIVATIONS.sigmoid), op.eq);
  f.emit(op.get(act), op.i32(VECTOR_ACTIVATIONS.tanh), op.eq, op.and);
  f.emit(op.get(u), op.i32(3), op.and, op.eqz, op.and, op.set(fast));
  return fast;
}

/**
 * `lstmGates(batch, u, proj, projStride, mask, maskStride, h, c, gate, act)`: `proj` rows hold
 * `z = x·W + b + h·U` in gate order i, f, c, o and are consumed; `h` and `c` are `batch × u`.
 * With `arith` `"fused"`, the fast path's activations use `relaxed_madd`.
 */
export function lstmGatesFunction(arith: Arithmetic = "separate"): ReturnType<WasmFn["build"]> {
  const f = new WasmFn("lstmGates", 10);
  const [batch, u, proj, projStride, mask, maskStride, h, c, gate, act] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ];
  const z = f.i32(), hp = f.i32(), cp = f.i32(), ip = f.i32(), gp = f.i32(), op_ = f.i32();
  const fp = f.i32(), rowBytes = f.i32(), count = f.i32();
  f.emit(op.get(u), op.i32(2), op.shl, op.set(rowBytes));
  const fast = standardRows(f, u, gate, act);
  const t = activationTemps(f);
  const [vi, vf, vg, vn] = [f.v128(), f.v128(), f.v128(), f.v128()];
  forEachRow(f, batch, mask, maskStride, (b) => {
    rowPointer(f, z, proj, b, projStride);
    rowPointer(f, hp, h, b, rowBytes);
    rowPointer(f, cp, c, b, rowBytes);
    f.ifElse(op.get(fast), () => {
      // Sigmoid gates and tanh, four units at a time in registers. A sigmoid gate times a value
      // is the value over the gate's denominator, so c' = c / (1 + e^−f) + num_g / (den_g ·
      // (1 + e^−i)) and h' = num_c / (den_c · (1 + e^−o)): three divisions for four activations
      // and two products (five before; the divider was the busiest unit of the loop). Three
      // passes over the row, each with a short chain of dependent operations, so that the CPU
      // overlaps successive vectors: the three gates' denominators (written over their
      // projections), then c', then h'. One pass, whose chain ran from the loads through two
      // activations to h', took 3.6 ns a unit instead of 3.1 (W3's 256×64 on one vCPU).
      f.emit(op.get(z), op.set(ip), op.get(z), op.get(rowBytes), op.add, op.set(fp));
      f.emit(op.get(fp), op.get(rowBytes), op.add, op.set(gp));
      f.emit(op.get(gp), op.get(rowBytes), op.add, op.set(op_));
      for (const [p, n] of [[ip, 2], [op_, 1]]) {
        f.emit(op.get(u), op.i32(n), op.mul, op.set(count));
        f.loopWhile(op.get(count), () => {
          f.emit(op.get(p), op.load(0), op.set(vi));
          emitSigmoidDenominator(f, arith, vi, vi, t);
          f.emit(op.get(p), op.get(vi), op.store(0));
          f.bump(p, 16);
          f.bump(count, -4);
        });
      }
      f.emit(op.get(z), op.set(ip), op.get(z), op.get(rowBytes), op.add, op.set(fp));
      f.emit(op.get(u), op.set(count));
      f.loopWhile(op.get(count), () => {
        f.emit(op.get(ip), op.load(0), op.set(vi), op.get(fp), op.load(0), op.set(vf));
        f.emit(op.get(gp), op.load(0), op.set(vg));
        emitTanhParts(f, arith, vg, vn, vg, t);
        f.emit(op.get(vn), op.get(vg), op.get(vi), op.f32x4Mul, op.f32x4Div, op.set(vg)); // i·g
        f.emit(op.get(cp), op.load(0), op.get(vf), op.f32x4Div, op.get(vg), op.f32x4Add);
        f.emit(op.set(vg), op.get(cp), op.get(vg), op.store(0)); // c'
        for (const p of [ip, fp, gp, cp]) f.bump(p, 16);
        f.bump(count, -4);
      });
      rowPointer(f, cp, c, b, rowBytes);
      f.emit(op.get(z), op.get(rowBytes), op.i32(3), op.mul, op.add, op.set(op_));
      f.emit(op.get(u), op.set(count));
      f.loopWhile(op.get(count), () => {
        f.emit(op.get(cp), op.load(0), op.set(vg));
        emitTanhParts(f, arith, vg, vn, vg, t);
        f.emit(op.get(hp), op.get(vn), op.get(vg), op.get(op_), op.load(0), op.f32x4Mul);
        f.emit(op.f32x4Div, op.store(0));
        for (const p of [op_, hp, cp]) f.bump(p, 16);
        f.bump(count, -4);
      });
    }, () => {
      callAct(f, gate, z, [...op.get(u), ...op.i32(1), ...op.shl]); // i and f
      f.emit(op.get(z), op.get(rowBytes), op.i32(1), op.shl, op.add, op.set(gp));
      callAct(f, act, gp, op.get(u));
      f.emit(op.get(gp), op.get(rowBytes), op.add, op.set(op_));
      callAct(f, gate, op_, op.get(u));
      f.emit(op.get(z), op.set(ip), op.get(z), op.get(rowBytes), op.add, op.set(fp));
      // c' = f·c + i·g, written to c and over g (for act(c')).
      elementwise(f, u, count, [ip, fp, gp, cp], (l) => {
        const next = [
          ...l.load(fp),
          ...l.load(cp),
          ...l.mul,
          ...l.load(ip),
          ...l.load(gp),
          ...l.mul,
          ...l.add,
        ];
        f.emit(l.store(cp, next), l.store(gp, l.load(cp)));
      });
      f.emit(op.get(z), op.get(rowBytes), op.i32(1), op.shl, op.add, op.set(gp));
      callAct(f, act, gp, op.get(u));
      elementwise(f, u, count, [hp, op_, gp], (l) => {
        f.emit(l.store(hp, [...l.load(op_), ...l.load(gp), ...l.mul]));
      });
    });
  });
  return f.build();
}

/**
 * Emits, for one GRU row: `proj_zr += rec_zr` then the gate activation over `z, r`. `z` and
 * `rp` point at the row's projection and its recurrent product; both are advanced by the
 * loop, so the caller re-derives them after.
 */
function emitZr(
  f: WasmFn,
  z: number,
  rp: number,
  gate: number,
  twoU: number,
  count: number,
  a: number,
  r: number,
): void {
  f.emit(op.get(z), op.set(a), op.get(rp), op.set(r));
  elementwise(f, twoU, count, [a, r], (l) => {
    f.emit(l.store(a, [...l.load(a), ...l.load(r), ...l.add]));
  });
  callAct(f, gate, z, op.get(twoU));
}

/** Emits `ĥ = act(proj_h)` then `h' = z·h + (1 − z)·ĥ` for one row. */
function emitFinish(
  f: WasmFn,
  u: number,
  z: number,
  hp: number,
  act: number,
  rowBytes: number,
  count: number,
  a: number,
  hh: number,
): void {
  f.emit(op.get(z), op.get(rowBytes), op.i32(1), op.shl, op.add, op.set(hh));
  callAct(f, act, hh, op.get(u));
  f.emit(op.get(z), op.set(a));
  elementwise(f, u, count, [a, hp, hh], (l) => {
    const zv = l.load(a);
    f.emit(
      l.store(hp, [
        ...zv,
        ...l.load(hp),
        ...l.mul,
        ...l.one(),
        ...zv,
        ...l.sub,
        ...l.load(hh),
        ...l.mul,
        ...l.add,
      ]),
    );
  });
}

/**
 * `gruResetAfter(batch, u, proj, projStride, mask, maskStride, rec, h, gate, act)`: `rec` rows
 * (`3u` floats each, contiguous) hold `h·R + recurrent bias`.
 */
export function gruResetAfterFunction(): ReturnType<WasmFn["build"]> {
  const f = new WasmFn("gruResetAfter", 10);
  const [batch, u, proj, projStride, mask, maskStride, rec, h, gate, act] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ];
  const z = f.i32(), rp = f.i32(), hp = f.i32(), a = f.i32(), r = f.i32(), hh = f.i32();
  const rowBytes = f.i32(), twoU = f.i32(), count = f.i32(), recStride = f.i32();
  f.emit(op.get(u), op.i32(2), op.shl, op.set(rowBytes));
  f.emit(op.get(u), op.i32(1), op.shl, op.set(twoU));
  f.emit(op.get(rowBytes), op.i32(3), op.mul, op.set(recStride));
  forEachRow(f, batch, mask, maskStride, (b) => {
    rowPointer(f, z, proj, b, projStride);
    rowPointer(f, rp, rec, b, recStride);
    rowPointer(f, hp, h, b, rowBytes);
    emitZr(f, z, rp, gate, twoU, count, a, r);
    // proj_h += r · rec_h
    f.emit(op.get(z), op.get(rowBytes), op.i32(1), op.shl, op.add, op.set(hh));
    f.emit(op.get(z), op.get(rowBytes), op.add, op.set(a));
    f.emit(op.get(rp), op.get(rowBytes), op.i32(1), op.shl, op.add, op.set(r));
    elementwise(f, u, count, [hh, a, r], (l) => {
      f.emit(l.store(hh, [...l.load(hh), ...l.load(a), ...l.load(r), ...l.mul, ...l.add]));
    });
    emitFinish(f, u, z, hp, act, rowBytes, count, a, hh);
  });
  return f.build();
}

/**
 * `gruResetBefore(batch, u, proj, projStride, mask, maskStride, rec, h, rh, gate)`: `rec` rows
 * (`2u` floats) hold `h·R[:, :2u]`; writes `rh = r·h` (`batch × u`).
 */
export function gruResetBeforeFunction(): ReturnType<WasmFn["build"]> {
  const f = new WasmFn("gruResetBefore", 10);
  const [batch, u, proj, projStride, mask, maskStride, rec, h, rh, gate] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
  ];
  const z = f.i32(), rp = f.i32(), hp = f.i32(), a = f.i32(), r = f.i32(), out = f.i32();
  const rowBytes = f.i32(), twoU = f.i32(), count = f.i32();
  f.emit(op.get(u), op.i32(2), op.shl, op.set(rowBytes));
  f.emit(op.get(u), op.i32(1), op.shl, op.set(twoU));
  forEachRow(f, batch, mask, maskStride, (b) => {
    rowPointer(f, z, proj, b, projStride);
    f.emit(op.get(rec), op.get(b), op.get(rowBytes), op.i32(1), op.shl, op.mul, op.add);
    f.emit(op.set(rp));
    rowPointer(f, hp, h, b, rowBytes);
    rowPointer(f, out, rh, b, rowBytes);
    emitZr(f, z, rp, gate, twoU, count, a, r);
    f.emit(op.get(z), op.get(rowBytes), op.add, op.set(a));
    elementwise(f, u, count, [out, a, hp], (l) => {
      f.emit(l.store(out, [...l.load(a), ...l.load(hp), ...l.mul]));
    });
  });
  return f.build();
}

/** `gruFinish(batch, u, proj, projStride, mask, maskStride, h, act)`: see the module doc. */
export function gruFinishFunction(): ReturnType<WasmFn["build"]> {
  const f = new WasmFn("gruFinish", 8);
  const [batch, u, proj, projStride, mask, maskStride, h, act] = [0, 1, 2, 3, 4, 5, 6, 7];
  const z = f.i32(), hp = f.i32(), a = f.i32(), hh = f.i32(), rowBytes = f.i32();
  const count = f.i32();
  f.emit(op.get(u), op.i32(2), op.shl, op.set(rowBytes));
  forEachRow(f, batch, mask, maskStride, (b) => {
    rowPointer(f, z, proj, b, projStride);
    rowPointer(f, hp, h, b, rowBytes);
    emitFinish(f, u, z, hp, act, rowBytes, count, a, hh);
  });
  return f.build();
}

/**
 * `simpleRnnUpdate(batch, u, proj, projStride, mask, maskStride, h, act)`: `h' = act(z)` with
 * `z` the row's projection (consumed).
 */
export function simpleRnnUpdateFunction(): ReturnType<WasmFn["build"]> {
  const f = new WasmFn("simpleRnnUpdate", 8);
  const [batch, u, proj, projStride, mask, maskStride, h, act] = [0, 1, 2, 3, 4, 5, 6, 7];
  const z = f.i32(), hp = f.i32(), rowBytes = f.i32(), count = f.i32();
  f.emit(op.get(u), op.i32(2), op.shl, op.set(rowBytes));
  forEachRow(f, batch, mask, maskStride, (b) => {
    rowPointer(f, z, proj, b, projStride);
    rowPointer(f, hp, h, b, rowBytes);
    callAct(f, act, z, op.get(u));
    elementwise(f, u, count, [hp, z], (l) => f.emit(l.store(hp, l.load(z))));
  });
  return f.build();
}
