/**
 * Tiny layers for the model tests: they exercise states, masks, statefulness and several outputs
 * without depending on the recurrent layers. Not exported from `mod.ts`.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import {
  type CallContext,
  ConfigReader,
  Layer,
  type LayerOptions,
  registerLayer,
  type Shape,
  type ShapeContext,
  type Variable,
} from "@kerno/layers";

/** Options of {@linkcode TinyRNN}. */
export interface TinyRNNOptions extends LayerOptions {
  returnSequences?: boolean;
  returnState?: boolean;
  stateful?: boolean;
}

/**
 * `h_t = tanh(w·x_t + u·h_{t-1})` per feature (units = features), with Keras's RNN conventions:
 * initial state, masks (state carried over, output repeated), return_sequences/state, stateful.
 */
export class TinyRNN extends Layer {
  static override readonly className = "TinyRNN";
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;
  w: Variable | null = null;
  u: Variable | null = null;
  #state: Float32Array | null = null;

  constructor(options: TinyRNNOptions = {}) {
    super(options);
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.stateful = options.stateful ?? false;
    this.inputSpec = { ndim: 3 };
    this.supportsMasking = true;
  }

  override build(shapes: readonly Shape[], context?: ShapeContext): void {
    const init = (v: number) => ({
      className: "Constant",
      generate: (s: readonly number[]) => new Float32Array(s.reduce((a, b) => a * b, 1)).fill(v),
      getConfig: () => ({ value: v }),
    });
    this.w = this.addWeight("w", [1], init(0.5));
    this.u = this.addWeight("u", [1], init(0.25));
    super.build(shapes, context);
  }

  override outputCount(): number {
    return this.returnState ? 2 : 1;
  }

  computeOutputShape(shapes: readonly Shape[]): Shape[] {
    const [b, t, f] = shapes[0];
    const out: Shape = this.returnSequences ? [b, t, f] : [b, f];
    return this.returnState ? [out, [b, f]] : [out];
  }

  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = inputs[0];
    const [b, t, f] = x.shape;
    const w = this.w!.value.f32[0];
    const u = this.u!.value.f32[0];
    let h = new Float32Array(b * f);
    if (context.initialState) h.set(context.initialState[0].f32);
    else if (this.stateful && this.#state) h.set(this.#state);
    const mask = context.masks[0]?.data ?? null;
    const seq = new Float32Array(b * t * f);
    const xs = x.f32;
    for (let s = 0; s < t; s++) {
      const next = new Float32Array(b * f);
      for (let r = 0; r < b; r++) {
        const keep = mask === null || mask[r * t + s] !== 0;
        for (let j = 0; j < f; j++) {
          const k = r * f + j;
          next[k] = keep ? Math.fround(Math.tanh(w * xs[(r * t + s) * f + j] + u * h[k])) : h[k];
          seq[(r * t + s) * f + j] = next[k];
        }
      }
      h = next;
    }
    if (this.stateful) this.#state = h.slice();
    const out = this.returnSequences ? new Tensor(seq, [b, t, f]) : new Tensor(h.slice(), [b, f]);
    return this.returnState ? [out, new Tensor(h, [b, f])] : [out];
  }

  override computeMask(
    _inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    const m = this.returnSequences ? masks[0] ?? null : null;
    return this.returnState ? [m, null] : [m];
  }

  override outputsHaveMask(has: readonly boolean[]): boolean[] {
    const m = this.returnSequences && has[0] === true;
    return this.returnState ? [m, false] : [m];
  }

  resetStates(): void {
    this.#state = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      stateful: this.stateful,
    };
  }
}

registerLayer("TinyRNN", (config, options) => {
  const r = new ConfigReader("TinyRNN", config, options);
  const layer = new TinyRNN({
    ...r.baseOptions(),
    returnSequences: r.boolean("return_sequences", false),
    returnState: r.boolean("return_state", false),
    stateful: r.boolean("stateful", false),
  });
  r.done();
  return layer;
});

/** Splits the last axis in two halves: two outputs. */
export class Halves extends Layer {
  static override readonly className = "Halves";
  override outputCount(): number {
    return 2;
  }
  computeOutputShape(shapes: readonly Shape[]): Shape[] {
    const s = shapes[0];
    const f = s[s.length - 1];
    const half: Shape = [...s.slice(0, -1), f === null ? null : f / 2];
    return [half, half];
  }
  call(inputs: readonly Tensor[]): Tensor[] {
    const x = inputs[0];
    const f = x.shape[x.rank - 1];
    const rows = x.size / f;
    const a = new Float32Array(rows * (f / 2));
    const b = new Float32Array(rows * (f / 2));
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < f / 2; j++) {
        a[r * (f / 2) + j] = x.f32[r * f + j];
        b[r * (f / 2) + j] = x.f32[r * f + f / 2 + j];
      }
    }
    const shape = [...x.shape.slice(0, -1), f / 2];
    return [new Tensor(a, shape), new Tensor(b, shape)];
  }
}

registerLayer("Halves", (config, options) => {
  const r = new ConfigReader("Halves", config, options);
  const layer = new Halves(r.baseOptions());
  r.done();
  return layer;
});
