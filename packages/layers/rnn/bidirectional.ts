import { resultArray, reverseTime, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import {
  deserializeLayer,
  type DeserializeOptions,
  type LayerFactory,
  serializeLayer,
} from "../registry.ts";
import type { Shape } from "../shape.ts";
import { mergeOutputs } from "./_merge.ts";
import { CellArgs } from "./cell_options.ts";
import { RNN } from "./rnn.ts";

/** How Bidirectional combines the two directions; `null` returns both. */
export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

const MERGE_MODES: readonly MergeMode[] = ["sum", "mul", "ave", "concat", null];

/** Options of {@linkcode Bidirectional}. */
export interface BidirectionalOptions extends LayerOptions {
  /** `"concat"` (default, forward features first), `"sum"`, `"mul"`, `"ave"`, or `null`. */
  mergeMode?: MergeMode;
  /**
   * A layer for the backward direction (it keeps its own name and must have the opposite
   * `goBackwards`); by default a copy of `layer` with `goBackwards` flipped.
   */
  backwardLayer?: RNN;
  /** Classes to use when the wrapped layer is re-created from its config (custom cells). */
  customObjects?: Record<string, LayerFactory>;
}

/**
 * Runs a recurrent layer over the sequence in both directions and merges the results
 * (Keras's `Bidirectional`). The forward copy is named `forward_<name>`, the backward one
 * `backward_<name>`; both are re-created from `layer`'s config, so they have fresh weights.
 * The backward sequence is flipped back into forward time before merging. With
 * `returnState` the outputs are `[merged…, forward states…, backward states…]`; initial states
 * are split in halves (first half forward).
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * import { Bidirectional, LSTM } from "@kerno/layers";
 * const bi = new Bidirectional(new LSTM(4, { returnSequences: true }));
 * bi.apply(tensor([0.1, 0.2, 0.3], [1, 3, 1])); // [1, 3, 8]
 * ```
 */
export class Bidirectional extends Layer {
  /** Keras's `call` takes `mask`. */
  override readonly callTakesMask: boolean = true;
  /** Keras's `call` takes `training` (default `null`). */
  override readonly callTrainingDefault: boolean | null | undefined = null;

  /** Keras class name. */
  static override readonly className: string = "Bidirectional";
  /** The forward-direction layer. */
  readonly forwardLayer: RNN;
  /** The backward-direction layer. */
  readonly backwardLayer: RNN;
  /** How the two directions merge. */
  readonly mergeMode: MergeMode;
  /** Whether the wrapped layers return sequences. */
  readonly returnSequences: boolean;
  /** Whether the wrapped layers return their states. */
  readonly returnState: boolean;
  /** Whether the wrapped layers are stateful. */
  readonly stateful: boolean;

  #initialStateShapes: Shape[] | null = null;

  /** Wraps `layer`; see {@linkcode BidirectionalOptions}. */
  constructor(layer: RNN, options: BidirectionalOptions = {}) {
    const mergeMode = options.mergeMode === undefined ? "concat" : options.mergeMode;
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new RangeError(
        `Invalid merge mode. Received: ${mergeMode}. Merge mode should be one of ` +
          `{"sum", "mul", "ave", "concat", None}`,
      );
    }
    if (!(layer instanceof RNN)) {
      throw new TypeError(
        `Please initialize \`Bidirectional\` layer with a recurrent layer. Received: ${
          String(layer)
        }`,
      );
    }
    if (options.backwardLayer !== undefined && !(options.backwardLayer instanceof RNN)) {
      throw new TypeError(
        `\`backward_layer\` needs to be a recurrent layer. Received: ${
          String(options.backwardLayer)
        }`,
      );
    }
    super(options);
    const custom = { ...collectFactories(layer), ...options.customObjects };
    this.forwardLayer = recreate(layer, "forward_", false, custom);
    this.backwardLayer = options.backwardLayer ??
      recreate(layer, "backward_", true, custom);
    this.#verify();
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      l.zeroOutputForMask = l.returnSequences;
      l.parent = this;
    }
    this.mergeMode = mergeMode;
    this.stateful = layer.stateful;
    this.returnSequences = layer.returnSequences;
    this.returnState = layer.returnState;
    this.supportsMasking = true;
    this.inputSpec = layer.inputSpec;
  }

  #verify(): void {
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      throw new RangeError(
        `Bidirectional "${this.name}": Forward layer and backward layer should have different ` +
          `\`go_backwards\` value. Received: forward_layer.go_backwards=${f.goBackwards}, ` +
          `backward_layer.go_backwards=${b.goBackwards}`,
      );
    }
    for (const a of ["stateful", "returnSequences", "returnState"] as const) {
      if (f[a] !== b[a]) {
        throw new RangeError(
          `Bidirectional "${this.name}": Forward layer and backward layer are expected to have ` +
            `the same value for attribute "${a}", got "${f[a]}" for forward layer and ` +
            `"${b[a]}" for backward layer`,
        );
      }
    }
  }

  /** Number of states each direction returns (0 without `returnState`). */
  #stateCounts(): [number, number] {
    if (!this.returnState) return [0, 0];
    return [this.forwardLayer.outputCount() - 1, this.backwardLayer.outputCount() - 1];
  }

  /** Builds both directions on the same input shape. */
  override build(inputShapes: readonly Shape[], context?: ShapeContext): void {
    const shapes = [inputShapes[0]];
    if (!this.forwardLayer.built) this.forwardLayer.build(shapes);
    if (!this.backwardLayer.built) this.backwardLayer.build(shapes);
    this.#initialStateShapes = context?.initialState ? [...context.initialState] : null;
    super.build(inputShapes);
  }

  /**
   * Keras's output shapes. As in Keras, the merged shape comes from the forward layer (with
   * `concat`, its last axis doubled) even when a custom backward layer has another size.
   */
  override computeOutputShape(inputShapes: readonly Shape[], context: ShapeContext): Shape[] {
    const fwd = this.forwardLayer.computeOutputShape(inputShapes, context);
    const bwd = this.backwardLayer.computeOutputShape(inputShapes, context);
    const [out, ...fStates] = fwd;
    const bStates = bwd.slice(1);
    let merged: Shape[];
    if (this.mergeMode === "concat") {
      const last = out[out.length - 1];
      merged = [[...out.slice(0, -1), last === null ? null : last * 2]];
    } else if (this.mergeMode === null) merged = [out, out];
    else merged = [out];
    return [...merged, ...fStates, ...bStates];
  }

  /** Merged output(s) plus both directions' states. */
  override outputCount(): number {
    const [f, b] = this.#stateCounts();
    return (this.mergeMode === null ? 2 : 1) + f + b;
  }

  /** The mask passes to the sequence output(s) with `returnSequences`; states have none. */
  override computeMask(
    _inputs: readonly Tensor[],
    masks: readonly (Tensor | null)[],
  ): (Tensor | null)[] {
    const m = this.returnSequences ? masks[0] ?? null : null;
    const outs = this.mergeMode === null ? [m, m] : [m];
    return [...outs, ...new Array(this.outputCount() - outs.length).fill(null)];
  }

  /** Symbolic twin of {@linkcode Bidirectional.computeMask}. */
  override outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    const m = this.returnSequences && inputsHaveMask[0] === true;
    const outs = this.mergeMode === null ? [m, m] : [m];
    return [...outs, ...new Array(this.outputCount() - outs.length).fill(false)];
  }

  /** Runs both directions and merges them. */
  override call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    let fInit: Tensor[] | null = null;
    let bInit: Tensor[] | null = null;
    if (context.initialState) {
      const half = Math.floor(context.initialState.length / 2);
      fInit = context.initialState.slice(0, half);
      bInit = context.initialState.slice(half);
    }
    const x = [inputs[0]];
    const into = context.into?.[0] ?? null;
    if (this.mergeMode === "concat" && this.returnSequences) {
      return this.#callConcatSequences(x, { ...context, into: undefined }, fInit, bInit, into);
    }
    const f = this.forwardLayer.call(x, { ...context, initialState: fInit, into: undefined });
    const b = this.backwardLayer.call(x, { ...context, initialState: bInit, into: undefined });
    const y = f[0];
    const yRev = this.returnSequences ? reverseTime(b[0]) : b[0];
    const merged = this.mergeMode === null ? [y, yRev] : [mergeOutputs(y, yRev, this.mergeMode)];
    return [...merged, ...f.slice(1), ...b.slice(1)];
  }

  /**
   * The concat merge of returned sequences, into `into` (the caller's array for the output, e.g.
   * a pool worker's rows of the shared output) or one new array ({@linkcode resultArray}), with
   * each direction writing its outputs straight into its columns (the backward one reversed into
   * forward time): no separate sequences, flip or concatenation, whose fresh pages (52 MB more
   * on W3) cost more than the work. W3, 256 rows, one thread, core backend, a new output each
   * call: 147–174 ms joined at the end, 75–94 ms merged in place with its pages mapped ahead
   * (FFI permission), 108–112 without (106–159 joined at the end).
   */
  #callConcatSequences(
    x: readonly Tensor[],
    context: CallContext,
    fInit: Tensor[] | null,
    bInit: Tensor[] | null,
    into: Float32Array | null,
  ): Tensor[] {
    const [batch, T] = x[0].shape;
    const wf = this.forwardLayer.cell.outputSize, wb = this.backwardLayer.cell.outputSize;
    const width = wf + wb;
    const merged = into?.length === batch * T * width ? into : resultArray(batch * T * width);
    const at = (offset: number, reverse: boolean) => ({
      data: merged,
      offset,
      rowStride: T * width,
      stepStride: width,
      reverse,
    });
    const f = this.forwardLayer.callIntoSequence(
      x,
      { ...context, initialState: fInit },
      at(0, false),
    );
    const b = this.backwardLayer.callIntoSequence(
      x,
      { ...context, initialState: bInit },
      at(wf, true),
    );
    return [new Tensor(merged, [batch, T, width]), ...f, ...b];
  }

  /** Sets both directions' states back to zeros; the layer must be stateful. */
  resetStates(): void {
    if (!this.stateful) {
      throw new TypeError(`Layer "${this.name}" must be stateful to reset its states`);
    }
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  /** `[["forward_layer", f], ["backward_layer", b]]`. */
  override children(): [string, Layer | Layer[]][] {
    return [["forward_layer", this.forwardLayer], ["backward_layer", this.backwardLayer]];
  }

  /** Keras config: `merge_mode`, `layer` (the forward copy) and `backward_layer`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serializeLayer(this.forwardLayer),
      backward_layer: serializeLayer(this.backwardLayer),
    };
  }

  /** `{input_shape}`, or `{shapes_dict}` when built with initial states (as Keras). */
  override getBuildConfig(): Record<string, unknown> | undefined {
    const init = this.#initialStateShapes;
    if (!this.buildShapes || !init) return super.getBuildConfig();
    return {
      shapes_dict: { sequences_shape: this.buildShapes[0], initial_state_shape: init },
    };
  }

  /** Builds the wrapper from its Keras config (`layer`, `backward_layer`, `merge_mode`). */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): Bidirectional {
    const r = new ConfigReader("Bidirectional", config, options);
    const base = r.baseOptions();
    const mode = r.raw("merge_mode");
    const layer = asRNN(deserializeLayer(r.raw("layer"), options), r, "layer");
    const rawBackward = r.raw("backward_layer");
    const backwardLayer = rawBackward === undefined || rawBackward === null
      ? undefined
      : asRNN(deserializeLayer(rawBackward, options), r, "backward_layer");
    const bi = new Bidirectional(layer, {
      ...base,
      mergeMode: (mode === undefined ? "concat" : mode) as MergeMode,
      backwardLayer,
      customObjects: options.customObjects,
    });
    r.done();
    return bi;
  }
}

function asRNN(layer: Layer, r: ConfigReader, key: string): RNN {
  if (layer instanceof RNN) return layer;
  throw new TypeError(
    `Bidirectional layer "${r.layerName}", config key "${key}": expected a recurrent layer, ` +
      `received ${layer.className}`,
  );
}

/** `"forward_lstm"` from `"lstm"` (an existing prefix is not doubled). */
function directionName(prefix: string, name: string): string {
  return prefix + (name.startsWith(prefix) ? name.slice(prefix.length) : name);
}

/** A fresh copy of `layer` from its config, renamed, with `go_backwards` set if asked. */
function recreate(
  layer: RNN,
  prefix: string,
  backwards: boolean,
  customObjects: Record<string, LayerFactory>,
): RNN {
  const s = serializeLayer(layer);
  const config: Record<string, unknown> = { ...s.config, name: directionName(prefix, layer.name) };
  if (backwards) config.go_backwards = true;
  const options: DeserializeOptions = { customObjects };
  if (usesKeras2HardSigmoid(layer)) options.keras2HardSigmoid = true;
  const copy = deserializeLayer({ ...s, config }, options);
  if (!(copy instanceof RNN)) {
    throw new TypeError(`Bidirectional: re-creating "${layer.name}" gave a ${copy.className}`);
  }
  return copy;
}

/** Whether a cell in `layer`'s tree runs `hard_sigmoid` as Keras 2 did (kept by the copies). */
function usesKeras2HardSigmoid(layer: Layer): boolean {
  const args = (layer as { args?: unknown }).args;
  if (args instanceof CellArgs && args.keras2HardSigmoid) return true;
  return layer.children().some(([, c]) => (Array.isArray(c) ? c : [c]).some(usesKeras2HardSigmoid));
}

/**
 * Factories for every class in `layer`'s tree that has a static `fromConfig`, so a
 * user-written cell can be re-created without registering it globally.
 */
function collectFactories(layer: Layer): Record<string, LayerFactory> {
  const out: Record<string, LayerFactory> = {};
  const visit = (l: Layer) => {
    const ctor = l.constructor as unknown as { fromConfig?: LayerFactory; className: string };
    if (typeof ctor.fromConfig === "function") {
      const from = ctor.fromConfig;
      out[ctor.className] = (c, o) => from.call(ctor, c, o);
    }
    for (const [, child] of l.children()) {
      for (const c of Array.isArray(child) ? child : [child]) visit(c);
    }
  };
  visit(layer);
  return out;
}
