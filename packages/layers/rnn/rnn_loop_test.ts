import assert from "node:assert/strict";
import { Tensor, tensor } from "@kerno/tensor";
import type { RNNCell } from "./cell.ts";
import { GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells } from "./mod.ts";
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
