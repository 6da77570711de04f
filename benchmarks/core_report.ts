/**
 * `deno run benchmarks/core_report.ts [--cpu]`: GFLOP/s of the compute core's float32 product
 * (`sgemmCore`, the kernel of the recurrent layers) on the step shapes of the standard
 * workloads, beside the float64-summing blocked {@linkcode gemm} on the same shapes, in the same
 * run. W1's step is `1024×160 · 160×512` (input and recurrent weights stacked: k = features +
 * units), W5's `256×640 · 640×2048`. `--cpu` times with the process's CPU time instead of the
 * wall clock (meaningful on a machine shared with other jobs). With `--allow-ffi` and a system
 * BLAS, the same product on the BLAS backend (one thread: Kerno's generated AVX-512 code where
 * the CPU has it, else `cblas_sgemm`; the header line says which) gets its own column.
 * The core runs in its default arithmetic (fused multiply-adds where the CPU has FMA) and, in
 * the "deterministic" column, with every product and sum rounded separately; the LSTM gate
 * update is timed in both too.
 *
 * @module
 */
import process from "node:process";
import {
  blasStatus,
  coreActivationCode,
  coreArithmetic,
  gemm,
  getActivation,
  lstmGatesCore,
  packMatrix,
  Random,
  ResidentArray,
  sgemmCore,
  useBlas,
  withBlas,
  withDeterministicArithmetic,
} from "@kerno/tensor";

const useCpu = Deno.args.includes("--cpu");

/** Seconds since an arbitrary origin: wall clock, or user + system CPU time with `--cpu`. */
function now(): number {
  if (!useCpu) return performance.now() / 1000;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Median seconds of one call of `fn` over 7 timed batches of about 0.4 GFLOP each, after a warm-up. */
function medianSeconds(fn: () => void, flop: number): number {
  const reps = Math.max(1, Math.round(4e8 / flop));
  // Warm-up long enough for the WebAssembly to reach its optimising tier.
  for (let r = 0; r < Math.max(3 * reps, 20); r++) fn();
  const times: number[] = [];
  for (let s = 0; s < 7; s++) {
    const t0 = now();
    for (let r = 0; r < reps; r++) fn();
    times.push((now() - t0) / reps);
  }
  times.sort((x, y) => x - y);
  return times[3];
}

const SHAPES = [
  { name: "W1 step (x|h)·[W;U]", m: 1024, k: 160, n: 512 },
  { name: "W5 step (x|h)·[W;U]", m: 256, k: 640, n: 2048 },
  { name: "W1 recurrent h·U", m: 1024, k: 128, n: 512 },
  { name: "W4 latency step", m: 1, k: 160, n: 512 },
];

const rng = new Random(1234);
const blas = withBlas(true, blasStatus);
const header = [
  "shape",
  "m×k·k×n",
  "core f32 GFLOP/s",
  "deterministic",
  "gemm f64-sum GFLOP/s",
  "ratio",
];
const rows = [blas.active ? [...header, "BLAS GFLOP/s", "BLAS/core"] : header];
for (const { name, m, k, n } of SHAPES) {
  const aPlain = new Float32Array(m * k).map(() => rng.uniform(-1, 1));
  const bPlain = new Float32Array(k * n).map(() => rng.uniform(-1, 1));
  const packed = packMatrix(bPlain, 0, n, k, n);
  const a = new ResidentArray(m * k);
  const c = new ResidentArray(m * n);
  a.f32.set(aPlain);
  const flop = 2 * m * n * k;
  const product = () => sgemmCore(m, a.f32, 0, k, packed, c.f32, 0, n);
  const core = flop / medianSeconds(product, flop);
  const exact = flop / withDeterministicArithmetic(true, () => medianSeconds(product, flop));
  const out = new Float32Array(m * n);
  const f64 = flop /
    medianSeconds(() => gemm(false, false, m, n, k, aPlain, 0, k, bPlain, 0, n, out, 0, n), flop);
  let onBlas = 0;
  if (blas.active) {
    useBlas(true);
    onBlas = flop / medianSeconds(() => sgemmCore(m, a.f32, 0, k, packed, c.f32, 0, n), flop);
    useBlas(false);
  }
  a.free();
  c.free();
  const row = [
    name,
    `${m}×${k}·${k}×${n}`,
    (core / 1e9).toFixed(1),
    (exact / 1e9).toFixed(1),
    (f64 / 1e9).toFixed(1),
    `${(core / f64).toFixed(1)}×`,
  ];
  if (blas.active) row.push((onBlas / 1e9).toFixed(1), `${(onBlas / core).toFixed(1)}×`);
  rows.push(row);
}
console.log(
  `compute core product — timing: median ${
    useCpu ? "process CPU time" : "wall clock"
  }, Deno ${Deno.version.deno}`,
);
console.log(
  blas.active
    ? `BLAS: ${blas.library} (${blas.kernel})`
    : `BLAS: not run (${blas.reason ?? "not asked for"})`,
);
console.log(`arithmetic: ${coreArithmetic()} (the "deterministic" column rounds separately)`);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) {
  console.log(
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "),
  );
}

/** ns per unit of the LSTM gate update (W1's units, 256 rows a call) in the current arithmetic. */
function gateNanoseconds(): number {
  const batch = 256, units = 128;
  using proj = new ResidentArray(batch * 4 * units);
  using h = new ResidentArray(batch * units);
  using c = new ResidentArray(batch * units);
  proj.f32.set(new Float32Array(batch * 4 * units).map(() => rng.uniform(-3, 3)));
  const rows = {
    batch,
    units,
    proj: proj.f32,
    projOffset: 0,
    stateOffset: 0,
    projStride: 4 * units,
    mask: null,
  };
  const sigmoid = coreActivationCode(getActivation("sigmoid"));
  const tanh = coreActivationCode(getActivation("tanh"));
  // The update consumes the projections; rerunning it on its own results keeps the values in
  // range (sigmoid and tanh outputs), so the timing does not depend on refilling them.
  const seconds = medianSeconds(() => lstmGatesCore(rows, h.f32, c.f32, sigmoid, tanh), 2e5);
  return seconds * 1e9 / (batch * units);
}

const gates = gateNanoseconds();
const gatesExact = withDeterministicArithmetic(true, gateNanoseconds);
console.log(
  `LSTM gate update (sigmoid/tanh, 256×128): ${gates.toFixed(2)} ns a unit; deterministic ` +
    `${gatesExact.toFixed(2)} (${(gatesExact / gates).toFixed(2)}×)`,
);
