import { currentLimits, formatBytes, raiseHint } from "../limits.ts";
import { type F32, formatShape, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import {
  type CallContext,
  Layer,
  type LayerOptions,
  type OutputStructure,
  type ShapeContext,
} from "../layer.ts";
import { deserializeLayer, type DeserializeOptions, serializeLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { cellInputDim, RNNCell } from "./cell.ts";
import { runRecurrence, type SequenceTarget, wholeSequence } from "./rnn_loop.ts";
import { StackedRNNCells } from "./stacked_rnn_cells.ts";

/** Options of {@linkcode RNN} and of every recurrent layer (Keras's arguments, camelCase). */
export interface RNNOptions extends LayerOptions {
  /** Return the output of every timestep, `[batch, T, units]` (default false: the last one). */
  returnSequences?: boolean;
  /** Also return the final states, after the output (default false). */
  returnState?: boolean;
  /** Process the sequence backwards; the returned sequence is in processing order. */
  goBackwards?: boolean;
  /**
   * Carry each sample's final state into the next call (sample `i` to sample `i`); needs a
   * fixed batch size. {@linkcode RNN.resetStates} sets the states back to zeros.
   */
  stateful?: boolean;
  /** Accepted for Keras parity; the numbers are the same (see the masking note in the docs). */
  unroll?: boolean;
  /** Masked steps output zeros instead of repeating the previous output. */
  zeroOutputForMask?: boolean;
  /** Training only: kept in the config, no effect at inference. */
  activityRegularizer?: unknown;
}

/** Reads the RNN flags of a Keras config (shared by every recurrent layer). */
export function readRNNOptions(r: ConfigReader): RNNOptions {
  return {
    ...r.baseOptions(),
    returnSequences: r.boolean("return_sequences", false),
    returnState: r.boolean("return_state", false),
    goBackwards: r.boolean("go_backwards", false),
    stateful: r.boolean("stateful", false),
    unroll: r.boolean("unroll", false),
    zeroOutputForMask: r.boolean("zero_output_for_mask", false),
    activityRegularizer: r.raw("activity_regularizer") ?? null,
  };
}

/**
 * The generic recurrent layer (Keras's `keras.layers.RNN`): runs a cell over the timesteps of
 * `[batch, T, features]` inputs. It owns the one time loop of Kerno, which
 * {@linkcode SimpleRNN}, {@linkcode LSTM} and {@linkcode GRU} use too: return sequences or the
 * last output, return states, go backwards, stateful calls, initial states and masks.
 * A list of cells is stacked with {@linkcode StackedRNNCells}.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { LSTMCell, RNN } from "@kerno/layers";
 * const rnn = new RNN(new LSTMCell(4), { returnSequences: true, returnState: true });
 * const [seq, h, c] = rnn.apply(tensor([[[0.1], [0.2], [0.3]]])) as unknown[];
 * ```
 */
export class RNN extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;
  /** Keras's `call` takes `training` (default `false`). */
  override readonly callTrainingDefault: boolean | null | undefined = false;

  /** Keras class name. */
  static override readonly className: string = "RNN";
  /** The cell run at each timestep. */
  readonly cell: RNNCell;
  /** Whether the whole output sequence is returned. */
  readonly returnSequences: boolean;
  /** Whether the final states are returned after the output. */
  readonly returnState: boolean;
  /** Whether the sequence is processed backwards. */
  readonly goBackwards: boolean;
  /** Whether states carry over between calls. */
  readonly stateful: boolean;
  /** Keras's `unroll` flag. */
  readonly unroll: boolean;
  /** Whether masked steps output zeros (Bidirectional turns it on with return sequences). */
  zeroOutputForMask: boolean;
  /** Training-only activity regularizer, kept for the config. */
  readonly activityRegularizer: unknown;

  #states: F32[] | null = null;
  #stateBatch: number | null = null;
  #initialStateShapes: Shape[] | null = null;

  /** Wraps `cell` (a list of cells is stacked); the cell's `parent` becomes this layer. */
  constructor(cell: RNNCell | readonly RNNCell[], options: RNNOptions = {}) {
    super(options);
    const c = Array.isArray(cell) ? new StackedRNNCells(cell) : cell;
    if (!(c instanceof RNNCell)) {
      throw new TypeError(
        `RNN "${this.name}": the cell must be an RNNCell (with stateSize, outputSize and ` +
          `step), received ${String(c)}`,
      );
    }
    this.cell = c;
    c.parent = this;
    this.returnSequences = options.returnSequences ?? false;
    this.returnState = options.returnState ?? false;
    this.goBackwards = options.goBackwards ?? false;
    this.stateful = options.stateful ?? false;
    this.unroll = options.unroll ?? false;
    this.zeroOutputForMask = options.zeroOutputForMask ?? false;
    this.activityRegularizer = options.activityRegularizer ?? null;
    this.supportsMasking = true;
    this.inputSpec = { ndim: 3 };
  }

  /** Builds the cell for `[batch, features]` steps; a stateful layer creates its states. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const seq = inputShapes[0];
    if (!this.cell.built) this.cell.build([[seq[0], ...seq.slice(2)]]);
    if (this.stateful) {
      const batch = seq[0];
      if (batch === null) {
        throw new TypeError(
          `Layer "${this.name}": When using \`stateful=True\` in a RNN, the batch size must be ` +
            `static. Found dynamic batch size: sequence.shape=${formatShape(seq)}`,
        );
      }
      const bytes = this.cell.stateSize.reduce((a, s) => a + batch * s * 4, 0);
      if (bytes > currentLimits().maxActivationBytes) {
        throw new RangeError(
          `Layer "${this.name}": the states of a stateful RNN of batch size ${batch} would take ${
            formatBytes(bytes)
          } (${raiseHint("maxActivationBytes")})`,
        );
      }
      this.#stateBatch = batch;
      this.#states = this.cell.stateSize.map((s) => new Float32Array(batch * s));
    }
    this.#initialStateShapes = context?.initialState ? [...context.initialState] : null;
    super.build(inputShapes);
  }

  /** Output shape, then (with `returnState`) one `[batch, size]` per state. */
  override computeOutputShape(inputShapes: readonly Shape[], _context?: ShapeContext): Shape[] {
    const [batch, steps] = inputShapes[0];
    if (this.unroll && steps === null) {
      throw new TypeError(
        `Layer "${this.name}": Cannot unroll a RNN if the time dimension is undefined ` +
          `(input shape ${
            formatShape(inputShapes[0])
          }). Give the Input a fixed number of timesteps.`,
      );
    }
    const out: Shape = this.returnSequences
      ? [batch, steps, this.cell.outputSize]
      : [batch, this.cell.outputSize];
    return this.returnState ? [out, ...this.cell.stateSize.map((s) => [batch, s])] : [out];
  }

  /** 1, or 1 + the number of states with `returnState`. */
  override outputCount(): number {
    return this.returnState ? 1 + this.cell.stateSize.length : 1;
  }

  /** `0`, or `[0, states…]` (nested per cell for stacked cells). */
  override outputStructure(): OutputStructure {
    return this.returnState ? [0, ...this.cell.stateStructure(1)] : 0;
  }

  /** The input mask passes to the output only with `returnSequences`; states have none. */
  override computeMask(
    _inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    const out = this.returnSequences ? masks[0] ?? null : null;
    return [out, ...new Array(this.outputCount() - 1).fill(null)];
  }

  /** Symbolic twin of {@linkcode RNN.computeMask}. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    const out = this.returnSequences && inputsHaveMask[0] === true;
    return [out, ...new Array(this.outputCount() - 1).fill(false)];
  }

  /**
   * Runs the loop on `[batch, T, features]` (see {@linkcode RNNOptions}). The output (a returned
   * sequence, or the last step's) is written into `context.into[0]` when that has its size.
   */
  override call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const [batch, steps] = inputs[0].shape;
    const units = this.cell.outputSize;
    const into = context.into?.[0] ?? null;
    const target = this.returnSequences && into?.length === batch * steps * units
      ? wholeSequence(into, steps, units)
      : null;
    const last = !this.returnSequences && into?.length === batch * units ? into : null;
    const [output, ...states] = this.#run(inputs, context, target, last);
    return [
      new Tensor(output, this.returnSequences ? [batch, steps, units] : [batch, units]),
      ...states,
    ];
  }

  /**
   * The call of a layer that returns sequences, with the sequence written into `target` instead
   * of a new array (Bidirectional's merge); returns the final states when `returnState` is set,
   * else nothing.
   * @ignore
   */
  callIntoSequence(
    inputs: readonly Tensor[],
    context: CallContext,
    target: SequenceTarget,
  ): Tensor[] {
    if (!this.returnSequences) {
      throw new TypeError(`Layer "${this.name}": callIntoSequence needs return_sequences=True`);
    }
    return this.#run(inputs, context, target).slice(1) as Tensor[];
  }

  #run(
    inputs: readonly Tensor[],
    context: CallContext,
    target: SequenceTarget | null,
    last: Float32Array | null = null,
  ): [Float32Array, ...Tensor[]] {
    const x = inputs[0];
    this.#checkInput(x);
    const [batch, steps] = x.shape;
    const states = this.#initialStates(batch, context.initialState);
    const mask = this.#rowMask(context.masks[0] ?? null, batch, steps);
    const r = runRecurrence(this.cell, x, states, mask, this, target, last);
    if (this.stateful) this.#states = r.states;
    if (!this.returnState) return [r.output];
    return [
      r.output,
      ...r.states.map((s, i) => new Tensor(s.slice(), [batch, this.cell.stateSize[i]])),
    ];
  }

  /** Sets the states of a stateful layer back to zeros (no effect otherwise). */
  resetStates(): void {
    if (this.#states && this.#stateBatch !== null) {
      const b = this.#stateBatch;
      this.#states = this.cell.stateSize.map((s) => new Float32Array(b * s));
    }
  }

  /** Alias of {@linkcode RNN.resetStates} (Keras 3's name). */
  resetState(): void {
    this.resetStates();
  }

  /** Copies of a stateful layer's current states, or null. */
  get states(): Tensor[] | null {
    const b = this.#stateBatch;
    if (!this.#states || b === null) return null;
    return this.#states.map((s, i) => new Tensor(s.slice(), [b, this.cell.stateSize[i]]));
  }

  /** `[["cell", cell]]`. */
  override children(): [string, Layer | Layer[]][] {
    return [["cell", this.cell]];
  }

  /** The base keys and the six RNN flags (what every recurrent layer's config starts with). */
  protected rnnConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    };
  }

  /** Keras config: the flags and the serialized `cell`. */
  override getConfig(): Record<string, unknown> {
    return { ...this.rnnConfig(), cell: serializeLayer(this.cell) };
  }

  /**
   * Keras's `build_config`: `{input_shape}`, or `{shapes_dict: {sequences_shape,
   * initial_state_shape}}` when built with initial states.
   */
  override getBuildConfig(): Record<string, unknown> | undefined {
    const init = this.#initialStateShapes;
    if (!this.buildShapes || !init) return super.getBuildConfig();
    return {
      shapes_dict: {
        sequences_shape: this.buildShapes[0],
        initial_state_shape: init.length === 1 ? init[0] : init,
      },
    };
  }

  /** Builds an RNN from its Keras config; the cell is deserialized by class. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): RNN {
    const r = new ConfigReader("RNN", config, options);
    const opts = readRNNOptions(r);
    const cell = deserializeLayer(r.raw("cell"), options);
    if (!(cell instanceof RNNCell)) {
      throw new TypeError(
        `RNN layer "${r.layerName}": config key "cell" holds a ${cell.className}, not a cell`,
      );
    }
    const layer = new RNN(cell, opts);
    r.done();
    return layer;
  }

  #checkInput(x: Tensor): void {
    if (x.rank !== 3) {
      throw new TypeError(
        `Input 0 of layer "${this.name}" is incompatible with the layer: expected ndim=3, ` +
          `found ndim=${x.rank}. Full shape received: ${formatShape(x.shape)}`,
      );
    }
    if (x.dtype !== "float32") {
      throw new TypeError(`Layer "${this.name}" expects float32 inputs, received ${x.dtype}`);
    }
    const dim = cellInputDim(this.cell);
    if (dim !== null && x.shape[2] !== dim) {
      throw new TypeError(
        `Layer "${this.name}" was built for inputs with ${dim} features (last axis), but ` +
          `received shape ${formatShape(x.shape)} with ${x.shape[2]}`,
      );
    }
    if (x.shape[1] === 0) {
      throw new RangeError(`Layer "${this.name}" needs at least one timestep, received 0`);
    }
  }

  /**
   * Fresh state buffers: the given initial states, the stored ones (stateful), or zeros; null
   * for zeros that nothing reads after the call (the loop then starts from zeros itself).
   */
  #initialStates(batch: number, given: readonly Tensor[] | null): F32[] | null {
    const sizes = this.cell.stateSize;
    if (given) {
      if (given.length !== sizes.length) {
        throw new RangeError(
          `Layer "${this.name}" expects ${sizes.length} initial state(s) (state sizes ` +
            `[${sizes.join(", ")}]), but received ${given.length}`,
        );
      }
      return given.map((s, i) => {
        if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
          throw new TypeError(
            `Layer "${this.name}": initial state ${i} must have shape (${batch}, ${sizes[i]}), ` +
              `received ${formatShape(s.shape)}`,
          );
        }
        return s.f32.slice();
      });
    }
    if (this.#states) {
      if (batch !== this.#stateBatch) {
        throw new RangeError(
          `Layer "${this.name}" is stateful with batch size ${this.#stateBatch}, but received ` +
            `a batch of ${batch}`,
        );
      }
      return this.#states.map((s) => s.slice());
    }
    // Zeros that no one reads after the call: the loop starts from zeros in its own memory.
    if (!this.returnState && !this.stateful) return null;
    return sizes.map((s) => new Float32Array(batch * s));
  }

  /** The mask as one byte per (row, timestep), or null. */
  #rowMask(mask: Tensor | null, batch: number, steps: number): Uint8Array | null {
    if (!mask) return null;
    const shape = mask.shape;
    if (shape.length !== 2 || shape[0] !== batch || shape[1] !== steps) {
      throw new TypeError(
        `Layer "${this.name}": the mask must have shape (${batch}, ${steps}), received ` +
          `${formatShape(shape)}`,
      );
    }
    const out = new Uint8Array(batch * steps);
    const d = mask.data;
    for (let i = 0; i < out.length; i++) out[i] = d[i] !== 0 ? 1 : 0;
    return out;
  }
}
