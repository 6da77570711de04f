/**
 * The standard workloads W1–W5 of `WORKLOADS.md`: the model (random weights at Keras's default
 * initializer scale), a random input in [-1, 1] and the FLOP count of one run.
 *
 * @module
 */
import { Bidirectional, GRU, LSTM, resetLayerNames } from "@kerno/layers";
import { Input, Sequential } from "@kerno/model";
import { Random, Tensor } from "@kerno/tensor";

/** One standard workload, ready to run. */
export interface Workload {
  /** `W1` … `W5`. */
  readonly id: string;
  /** What it is, as WORKLOADS.md names it. */
  readonly title: string;
  /** The model. */
  readonly model: Sequential;
  /** Input `(batch, timesteps, features)`. */
  readonly x: Tensor;
  /** FLOP of one run (the two matrix products per gate). */
  readonly flop: number;
}

/** Ids of the standard workloads. */
export const WORKLOAD_IDS: readonly string[] = ["W1", "W2", "W3", "W4", "W5"];

interface Spec {
  title: string;
  batch: number;
  timesteps: number;
  features: number;
  units: number;
  gates: number;
  directions: number;
  layer: () => LSTM | GRU | Bidirectional;
}

const SPECS: Record<string, Spec> = {
  W1: {
    title: "lstm: LSTM(128), last output",
    batch: 1024,
    timesteps: 50,
    features: 32,
    units: 128,
    gates: 4,
    directions: 1,
    layer: () => new LSTM(128),
  },
  W2: {
    title: "gru: GRU(128, reset_after=True)",
    batch: 1024,
    timesteps: 50,
    features: 32,
    units: 128,
    gates: 3,
    directions: 1,
    layer: () => new GRU(128, { resetAfter: true }),
  },
  W3: {
    title: "bilstm: Bidirectional(LSTM(64), return_sequences=True)",
    batch: 512,
    timesteps: 100,
    features: 16,
    units: 64,
    gates: 4,
    directions: 2,
    layer: () => new Bidirectional(new LSTM(64, { returnSequences: true })),
  },
  W4: {
    title: "latency: LSTM(128), one sequence",
    batch: 1,
    timesteps: 50,
    features: 32,
    units: 128,
    gates: 4,
    directions: 1,
    layer: () => new LSTM(128),
  },
  W5: {
    title: "big: LSTM(512)",
    batch: 256,
    timesteps: 100,
    features: 128,
    units: 512,
    gates: 4,
    directions: 1,
    layer: () => new LSTM(512),
  },
};

/** Uniform random float32 values in [-1, 1), reproducible from `seed`. */
export function randomInput(shape: readonly number[], seed = 42): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.uniform(-1, 1);
  return new Tensor(data, shape);
}

/**
 * Builds workload `id` (`W1` … `W5`). `batch` overrides the batch size (the FLOP count follows).
 *
 * @example
 * ```ts ignore
 * const { model, x, flop } = workload("W1");
 * const t0 = performance.now();
 * model.predict(x);
 * console.log(flop / ((performance.now() - t0) / 1000) / 1e9, "GFLOP/s");
 * ```
 */
export function workload(id: string, batch?: number): Workload {
  const s = SPECS[id];
  if (!s) {
    throw new RangeError(`Unknown workload "${id}": expected one of ${WORKLOAD_IDS.join(", ")}`);
  }
  resetLayerNames();
  const b = batch ?? s.batch;
  const model = new Sequential([Input({ shape: [s.timesteps, s.features] }), s.layer()]);
  const x = randomInput([b, s.timesteps, s.features]);
  const flop = s.directions * 2 * b * s.timesteps * (s.features + s.units) * s.gates * s.units;
  return { id, title: s.title, model, x, flop };
}
