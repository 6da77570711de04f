/**
 * A stand-in model for the pool's mechanics tests: the {@linkcode PoolModel} and worker contract
 * of `@kerno/model` with trivial, row-independent arithmetic.
 *
 * Config `{ kind: "stub", name, features, units, twoInputs?, stateful?, batch? }`:
 * - input `a` `(batch, None, features)` float32, and with `twoInputs` input `b` `(batch, units)`;
 * - output 0 `(batch, units)`: `sum_t a[t] · W + bias (+ b) (+ state)`;
 * - output 1 `(batch, None, features)`: `a · 2` (its timesteps are unknown until run).
 * A stateful stub adds the previous call's output 0 of the same row (its "state").
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";

/** Stub configuration. */
export interface StubConfig {
  kind: "stub";
  name: string;
  features: number;
  units: number;
  twoInputs?: boolean;
  stateful?: boolean;
  batch?: number | null;
  /** Fixed timesteps of input `a` (default unknown, so output 1's shape is only known at run time). */
  timesteps?: number;
  /** Busy-waits this many milliseconds per `predictFlat` call (for abort tests). */
  spinMs?: number;
}

interface Spec {
  shape: (number | null)[];
  dtype: "float32";
  name: string;
  node: { layer: { name: string } };
}

/** The stand-in model. */
export class StubModel {
  readonly config: StubConfig;
  readonly name: string;
  readonly weights: { value: Tensor }[];
  readonly inputs: Spec[];
  readonly outputs: Spec[];
  readonly layers: { name: string; stateful: boolean; resetStates(): void }[];
  /** Calls of `predictFlat` (per instance). */
  calls = 0;
  #state: Float32Array | null = null;

  constructor(config: StubConfig, seed = 1) {
    this.config = config;
    this.name = config.name;
    const { features: f, units: u } = config;
    let s = seed;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    this.weights = [
      { value: new Tensor(Float32Array.from({ length: f * u }, rnd), [f, u]) },
      { value: new Tensor(Float32Array.from({ length: u }, rnd), [u]) },
    ];
    const spec = (shape: (number | null)[], name: string): Spec => ({
      shape,
      dtype: "float32",
      name,
      node: { layer: { name } },
    });
    const b = config.batch ?? null;
    const t = config.timesteps ?? null;
    this.inputs = [spec([b, t, f], "a")];
    if (config.twoInputs) this.inputs.push(spec([b, u], "b"));
    this.outputs = [spec([b, u], "dense"), spec([b, t, f], "double")];
    this.layers = [{
      name: "stub",
      stateful: !!config.stateful,
      resetStates: () => {
        this.#state = null;
      },
    }];
  }

  toJSON(): StubConfig {
    return this.config;
  }

  outputStructure(): number[] {
    return [0, 1];
  }

  predictFlat(x: Tensor[], _options: { batchSize?: number } = {}): Tensor[] {
    this.calls++;
    const until = performance.now() + (this.config.spinMs ?? 0);
    while (performance.now() < until) { /* spin */ }
    const { features: f, units: u, stateful } = this.config;
    const [a, b] = x;
    const [rows, t] = a.shape;
    const w = this.weights[0].value.f32;
    const bias = this.weights[1].value.f32;
    const y = new Float32Array(rows * u);
    const av = a.f32;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < u; j++) {
        let acc = bias[j];
        for (let s = 0; s < t; s++) {
          for (let k = 0; k < f; k++) {
            acc = Math.fround(acc + av[(r * t + s) * f + k] * w[k * u + j]);
          }
        }
        if (b) acc = Math.fround(acc + b.f32[r * u + j]);
        if (stateful) {
          if (!this.#state) this.#state = new Float32Array(rows * u);
          acc = Math.fround(acc + this.#state[r * u + j]);
        }
        y[r * u + j] = acc;
      }
    }
    if (stateful) this.#state = y.slice();
    const d = new Float32Array(av.length);
    for (let i = 0; i < av.length; i++) d[i] = av[i] * 2;
    return [new Tensor(y, [rows, u]), new Tensor(d, [rows, t, f])];
  }
}

/** Rebuilds a stub from its JSON (as `modelFromJSON` does). */
export function stubFromJSON(json: string | StubConfig): StubModel {
  return new StubModel(typeof json === "string" ? JSON.parse(json) : json, 999);
}
