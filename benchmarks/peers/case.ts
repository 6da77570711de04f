/**
 * One benchmark case as every runtime sees it: the workload's shape, its Keras weights and its
 * input as plain `Float32Array`s, so that each peer computes exactly what Kerno computes.
 *
 * @module
 */
import type { Workload } from "../workloads.ts";

/** The recurrent layer of a workload, as the peers need it. */
export interface PeerCase {
  /** `W1` … `W5`. */
  readonly id: string;
  /** Workload title. */
  readonly title: string;
  /** `LSTM` or `GRU` (GRU means `reset_after=True`). */
  readonly op: "LSTM" | "GRU";
  /** Hidden units per direction. */
  readonly units: number;
  /** 1, or 2 for `Bidirectional(merge_mode="concat")`. */
  readonly directions: 1 | 2;
  /** Whether the output is every step (`return_sequences`) or the last one. */
  readonly sequence: boolean;
  /** Input dimensions. */
  readonly batch: number;
  /** Input dimensions. */
  readonly timesteps: number;
  /** Input dimensions. */
  readonly features: number;
  /** Input `(batch, timesteps, features)`, row-major. */
  readonly x: Float32Array;
  /** Weights in Keras order and layout: `[kernel, recurrent, bias]` per direction. */
  readonly weights: readonly Float32Array[];
  /** Shapes of `weights`. */
  readonly weightShapes: readonly (readonly number[])[];
  /** FLOP of one run. */
  readonly flop: number;
}

const LAYERS: Record<string, Pick<PeerCase, "op" | "units" | "directions" | "sequence">> = {
  W1: { op: "LSTM", units: 128, directions: 1, sequence: false },
  W2: { op: "GRU", units: 128, directions: 1, sequence: false },
  W3: { op: "LSTM", units: 64, directions: 2, sequence: true },
  W4: { op: "LSTM", units: 128, directions: 1, sequence: false },
  W5: { op: "LSTM", units: 512, directions: 1, sequence: false },
};

/** The peer view of a Kerno workload (weights read from the model, not copied). */
export function peerCase(w: Workload): PeerCase {
  const layer = LAYERS[w.id];
  if (!layer) throw new RangeError(`No peer description for workload "${w.id}"`);
  const [batch, timesteps, features] = w.x.shape;
  const ws = w.model.getWeights();
  if (ws.length !== 3 * layer.directions) {
    throw new RangeError(`${w.id}: expected ${3 * layer.directions} weights, found ${ws.length}`);
  }
  const gates = layer.op === "LSTM" ? 4 : 3;
  const kernel = ws[0].shape;
  if (kernel[0] !== features || kernel[1] !== gates * layer.units) {
    throw new RangeError(`${w.id}: kernel shape (${kernel.join(", ")}) does not match the spec`);
  }
  return {
    id: w.id,
    title: w.title,
    ...layer,
    batch,
    timesteps,
    features,
    x: w.x.f32,
    weights: ws.map((t) => t.f32),
    weightShapes: ws.map((t) => t.shape),
    flop: w.flop,
  };
}

/** Length of the output: `batch × H` (last state) or `batch × T × dirs·H` (sequence). */
export function outputSize(c: PeerCase): number {
  return c.batch * (c.sequence ? c.timesteps : 1) * c.directions * c.units;
}

/** Largest |a[i] − b[i]| (Infinity when the lengths differ, NaN when a value is NaN). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return NaN;
    if (d > m) m = d;
  }
  return m;
}
