/**
 * What every runtime of the benchmark provides: a label, one inference run returning the flat
 * output, and a release of what it holds.
 *
 * @module
 */
import type { PeerCase } from "./case.ts";

/** One runtime, set up for one case. */
export interface Runner {
  /** Row label, e.g. `onnxruntime 2 threads`. */
  readonly label: string;
  /** Threads it computes on (the cores it should keep busy). */
  readonly threads: number;
  /** One inference over the whole input; resolves with the flat output. */
  run(): Promise<ArrayLike<number>>;
  /** Releases sessions, models and tensors. */
  dispose(): Promise<void>;
}

/** Builds a {@linkcode Runner} for a case. */
export interface RunnerFactory {
  /** Row label. */
  readonly label: string;
  /** True for the slow runtimes (tfjs-cpu), which get fewer iterations. */
  readonly slow?: boolean;
  /** Sets the runtime up for `c` with `c`'s weights. */
  create(c: PeerCase): Promise<Runner>;
}
