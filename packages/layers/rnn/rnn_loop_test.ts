import assert from "node:assert/strict";
import { Tensor, tensor, useComputeCore } from "@kerno/tensor";
import type { RNNCell } from "./cell.ts";
import { GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells } from "./mod.ts";
import { MinimalRNNCell } from "./_minimal_cell_test_util.ts";
import { runRecurrence } from "./rnn_loop.ts";

/** Counts `new Float32Array(...)` calls made while `fn` runs. */
function countFloat32Arrays(fn: () => void): number {
  const original = globalThis.Float32Array;
  let count = 0;
  globalThis.Float32Array = new Proxy(original, {
    construct(target, args, newTarget) {
      count++;
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    fn();
  } finally {
    globalThis.Float32Array = original;
  }
  return count;
}

function allocationsFor(make: () => RNNCell, steps: number, masked: boolean): number {
  const cell = make();
  cell.build([[null, 3]]);
  const x = tensor(Array.from({ length: 2 * steps * 3 }, (_, i) => Math.sin(i)), [2, steps, 3]);
  const mask = masked ? new Uint8Array(2 * steps).map((_, i) => i % 3 === 0 ? 0 : 1) : null;
  const spec = {
    goBackwards: true,
    returnSequences: true,
    zeroOutputForMask: masked,
    unroll: false,
  };
  return countFloat32Arrays(() => {
    const states = cell.stateSize.map((s) => new Float32Array(2 * s));
    runRecurrence(cell, x, states, mask, spec);
  });
}

Deno.test("runRecurrence allocates nothing per timestep on the fast path", () => {
  const makers: [string, () => RNNCell][] = [
    ["SimpleRNNCell", () => new SimpleRNNCell(4)],
    ["LSTMCell", () => new LSTMCell(4)],
    ["GRUCell", () => new GRUCell(4)],
    ["GRUCell reset_after=false", () => new GRUCell(4, { resetAfter: false })],
    ["StackedRNNCells", () => new StackedRNNCells([new LSTMCell(4), new GRUCell(3)])],
  ];
  for (const [name, make] of makers) {
    for (const masked of [false, true]) {
      allocationsFor(make, 40, masked); // warm-up: gemm grows its packing buffers once
      const short = allocationsFor(make, 3, masked);
      const long = allocationsFor(make, 40, masked);
      assert.equal(long, short, `${name} masked=${masked}: ${short} vs ${long} allocations`);
    }
  }
});

Deno.test("runRecurrence returns the sequence in processing order with goBackwards", () => {
  const cell = new SimpleRNNCell(1, {
    kernelInitializer: "ones",
    recurrentInitializer: "zeros",
    activation: null,
  });
  cell.build([[null, 1]]);
  const x = tensor([1, 2, 3], [1, 3, 1]);
  const spec = {
    goBackwards: true,
    returnSequences: true,
    zeroOutputForMask: false,
    unroll: false,
  };
  const r = runRecurrence(cell, x, [new Float32Array(1)], null, spec);
  assert.deepEqual([...r.output], [3, 2, 1]);
  assert.deepEqual([...r.states[0]], [1]);
  const last = runRecurrence(cell, x, [new Float32Array(1)], null, {
    ...spec,
    returnSequences: false,
  });
  assert.deepEqual([...last.output], [1]);
  assert.ok(r.states[0] instanceof Float32Array && !(r.states[0] instanceof Tensor));
});

/** Runs `cell` on rows `[r0, r0 + rows)` of `x` (`[batch, T, 3]`) and `mask`; output and states. */
function runRows(
  cell: RNNCell,
  x: Float32Array,
  mask: Uint8Array,
  T: number,
  r0: number,
  rows: number,
  goBackwards: boolean,
) {
  const xs = new Tensor(x.slice(r0 * T * 3, (r0 + rows) * T * 3), [rows, T, 3]);
  const states = cell.stateSize.map((s) => new Float32Array(rows * s).fill(0.25));
  const spec = { goBackwards, returnSequences: true, zeroOutputForMask: false, unroll: false };
  const r = runRecurrence(cell, xs, states, mask.slice(r0 * T, (r0 + rows) * T), spec);
  return [r.output, ...r.states];
}

Deno.test("runRecurrence gives a row the same bits alone or in a batch, on every fast path", () => {
  const makers: [string, () => RNNCell][] = [
    ["LSTMCell", () => new LSTMCell(7)],
    [
      "LSTMCell hard_sigmoid/relu",
      () => new LSTMCell(5, { recurrentActivation: "hard_sigmoid", activation: "relu" }),
    ],
    ["GRUCell", () => new GRUCell(6)],
    ["GRUCell reset_after=false", () => new GRUCell(6, { resetAfter: false })],
    [
      "GRUCell reset_after=false softsign",
      () => new GRUCell(5, { resetAfter: false, activation: "softsign" }),
    ],
    ["SimpleRNNCell", () => new SimpleRNNCell(9)],
    ["SimpleRNNCell relu", () => new SimpleRNNCell(4, { activation: "relu" })],
    ["StackedRNNCells", () => new StackedRNNCells([new LSTMCell(5), new GRUCell(3)])],
  ];
  // 70 rows: 4×4 tiles across two row blocks plus 2 leftover rows; alone, each row goes
  // through the one-row kernels, and its input is projected with all of its timesteps at once.
  const batch = 70, T = 5;
  const x = new Float32Array(batch * T * 3).map((_, i) => Math.sin(0.37 * i));
  const mask = new Uint8Array(batch * T).map((_, i) => (i % 7 === 3 ? 0 : 1));
  for (const [name, make] of makers) {
    const cell = make();
    cell.build([[null, 3]]);
    for (const goBackwards of [false, true]) {
      const full = runRows(cell, x, mask, T, 0, batch, goBackwards);
      for (const [r0, rows] of [[0, 1], [3, 1], [69, 1], [5, 3], [60, 10]]) {
        const part = runRows(cell, x, mask, T, r0, rows, goBackwards);
        part.forEach((got, i) => {
          const width = got.length / rows;
          const want = full[i].subarray(r0 * width, (r0 + rows) * width);
          assert.deepEqual(got, want, `${name} backwards=${goBackwards} rows ${r0}+${rows} #${i}`);
        });
      }
    }
  }
});

Deno.test("runRecurrence starts from zeros without states and writes the last output into `last`", () => {
  const makers: [string, () => RNNCell][] = [
    ["LSTMCell", () => new LSTMCell(5)],
    ["GRUCell", () => new GRUCell(4)],
    ["StackedRNNCells", () => new StackedRNNCells([new LSTMCell(4), new GRUCell(3)])],
    ["MinimalRNNCell (generic path)", () => new MinimalRNNCell(4)],
  ];
  const T = 6, batch = 3;
  const x = tensor(Array.from({ length: batch * T * 3 }, (_, i) => Math.cos(i)), [batch, T, 3]);
  // Row 2 is masked at every step: unrolled, its output stays the first (zeros).
  const mask = new Uint8Array(batch * T).map((_, i) => i % 4 === 0 || i >= 2 * T ? 0 : 1);
  for (const [name, make] of makers) {
    for (const core of [true, false]) {
      const was = useComputeCore(core);
      try {
        const cell = make();
        cell.build([[null, 3]]);
        for (const [zeroOutputForMask, unroll] of [[false, false], [true, false], [false, true]]) {
          const spec = {
            goBackwards: false,
            returnSequences: false,
            zeroOutputForMask,
            unroll,
          };
          const zeros = cell.stateSize.map((s) => new Float32Array(batch * s));
          const want = runRecurrence(cell, x, zeros, mask, spec);
          const last = new Float32Array(batch * cell.outputSize).fill(NaN);
          const got = runRecurrence(cell, x, null, mask, spec, null, last);
          const where =
            `${name}, core ${core}, zeroOutputForMask ${zeroOutputForMask}, unroll ${unroll}`;
          assert.equal(got.output, last, where);
          assert.deepEqual(got.output, want.output, where);
          assert.deepEqual(got.states, [], where);
        }
      } finally {
        useComputeCore(was);
      }
    }
  }
});
