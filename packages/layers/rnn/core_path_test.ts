import assert from "node:assert/strict";
import { computeCoreActive, type F32, Random, Tensor, tensor, useComputeCore } from "@kerno/tensor";
import type { RNNCell } from "./cell.ts";
import { GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells } from "./mod.ts";
import { type LoopSpec, runRecurrence } from "./rnn_loop.ts";

const skip = !computeCoreActive();

function maxAbsDiff(a: F32, b: F32): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const CELLS: [string, () => RNNCell][] = [
  ["LSTM", () => new LSTMCell(6)],
  [
    "LSTM hard_sigmoid/relu",
    () => new LSTMCell(5, { recurrentActivation: "hard_sigmoid", activation: "relu" }),
  ],
  ["GRU reset_after", () => new GRUCell(5)],
  ["GRU reset before", () => new GRUCell(7, { resetAfter: false })],
  ["GRU no bias", () => new GRUCell(3, { useBias: false })],
  ["SimpleRNN", () => new SimpleRNNCell(9)],
  ["stack", () => new StackedRNNCells([new LSTMCell(4), new GRUCell(3), new SimpleRNNCell(2)])],
];

function run(
  cell: RNNCell,
  x: Float32Array,
  batch: number,
  T: number,
  mask: Uint8Array | null,
  spec: LoopSpec,
) {
  const states = cell.stateSize.map((s) => {
    const st = new Float32Array(batch * s);
    for (let i = 0; i < st.length; i++) st[i] = Math.sin(i + s);
    return st;
  });
  return runRecurrence(cell, tensor(x, [batch, T, 3]), states, mask, spec);
}

Deno.test({
  name: "The compute core and the JavaScript kernels agree on every cell, masked and backwards",
  ignore: skip,
  fn() {
    const batch = 5, T = 7;
    const rng = new Random(5);
    const x = new Float32Array(batch * T * 3).map(() => rng.uniform(-2, 2));
    const mask = new Uint8Array(batch * T).map((_, i) => i % 4 === 1 ? 0 : 1);
    for (const [name, make] of CELLS) {
      const cell = make();
      cell.build([[null, 3]]);
      for (const masked of [false, true]) {
        const spec = {
          goBackwards: masked,
          returnSequences: true,
          zeroOutputForMask: false,
          unroll: false,
        };
        const core = run(cell, x, batch, T, masked ? mask : null, spec);
        const was = useComputeCore(false);
        let js;
        try {
          js = run(cell, x, batch, T, masked ? mask : null, spec);
        } finally {
          useComputeCore(was);
        }
        assert.ok(maxAbsDiff(core.output, js.output) < 2e-6, `${name} masked=${masked} output`);
        core.states.forEach((s, i) =>
          assert.ok(maxAbsDiff(s, js.states[i]) < 2e-6, `${name} state ${i}`)
        );
      }
    }
  },
});

Deno.test({
  name: "Inputs gathered in blocks of steps give each row the bits it has alone",
  ignore: skip,
  fn() {
    // 1100 rows × 3 features: blocks of 79 steps (1 MB), so 80 steps end with a block of one;
    // alone, a row is gathered in one block. Forwards and backwards, masked and not.
    const batch = 1100, T = 80;
    const rng = new Random(6);
    const x = new Float32Array(batch * T * 3).map(() => rng.uniform(-2, 2));
    const mask = new Uint8Array(batch * T).map((_, i) => i % 5 === 2 ? 0 : 1);
    const cell = new LSTMCell(4);
    cell.build([[null, 3]]);
    for (const backwards of [false, true]) {
      const spec = {
        goBackwards: backwards,
        returnSequences: true,
        zeroOutputForMask: false,
        unroll: false,
      };
      const all = run(cell, x, batch, T, backwards ? mask : null, spec).output;
      const width = all.length / batch;
      for (const b of [0, 555, 1099]) {
        const rows = (a: Float32Array | Uint8Array, n: number) =>
          a.slice(b * T * n, (b + 1) * T * n);
        // The states `run` starts from, row b's part.
        const states = cell.stateSize.map((n) =>
          Float32Array.from({ length: n }, (_, j) => Math.sin(b * n + j + n))
        );
        const alone = runRecurrence(
          cell,
          tensor(rows(x, 3) as Float32Array, [1, T, 3]),
          states,
          backwards ? rows(mask, 1) as Uint8Array : null,
          spec,
        ).output;
        assert.deepEqual(
          alone,
          all.slice(b * width, (b + 1) * width),
          `row ${b} backwards=${backwards}`,
        );
      }
    }
  },
});

Deno.test({
  name: "On the compute core a row's sequence is the same bits alone or in a batch of 9",
  ignore: skip,
  fn() {
    const batch = 9, T = 6;
    const rng = new Random(9);
    const x = new Float32Array(batch * T * 3).map(() => rng.uniform(-1, 1));
    const spec = {
      goBackwards: false,
      returnSequences: true,
      zeroOutputForMask: false,
      unroll: false,
    };
    for (const [name, make] of CELLS) {
      const cell = make();
      cell.build([[null, 3]]);
      const all = run(cell, x, batch, T, null, spec).output;
      const width = all.length / batch;
      for (const b of [0, 4, 8]) {
        const alone = runRecurrence(
          cell,
          tensor(x.slice(b * T * 3, (b + 1) * T * 3), [1, T, 3]),
          cell.stateSize.map((s) => {
            const st = new Float32Array(batch * s);
            for (let i = 0; i < st.length; i++) st[i] = Math.sin(i + s);
            return st.slice(b * s, (b + 1) * s);
          }),
          null,
          spec,
        ).output;
        assert.deepEqual(alone, all.slice(b * width, (b + 1) * width), `${name} row ${b}`);
      }
    }
  },
});

Deno.test("A cell packs its weights once and again after setWeights, a new value or touch()", () => {
  const cell = new LSTMCell(4);
  cell.build([[null, 3]]);
  const x = new Float32Array(2 * 5 * 3).map((_, i) => Math.sin(i));
  const spec = {
    goBackwards: false,
    returnSequences: false,
    zeroOutputForMask: false,
    unroll: false,
  };
  const out = () => run(cell, x, 2, 5, null, spec).output;
  const first = out();
  assert.deepEqual(out(), first); // second call: the kept packed weights
  const [kernel, recurrent, bias] = cell.getWeights().map((t) => t.clone());
  const doubled = kernel.f32.map((v) => 2 * v);
  cell.setWeights([new Tensor(doubled, kernel.shape), recurrent, bias]);
  const afterSet = out();
  assert.notDeepEqual(afterSet, first);
  cell.setWeights([kernel, recurrent, bias]);
  assert.deepEqual(out(), first);
  const v = cell.weights[0];
  v.value.f32.set(doubled); // an in-place edit is seen after touch()
  v.touch();
  assert.deepEqual(out(), afterSet);
  v.value = new Tensor(kernel.f32.slice(), kernel.shape);
  assert.deepEqual(out(), first);
});
