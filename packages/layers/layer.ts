import { type DType, Tensor } from "@kerno/tensor";
import type { Initializer } from "./initializer.ts";
import { admitWeight } from "./limits.ts";
import { toSnakeCase, uniqueLayerName } from "./naming.ts";
import { type Shape, shapeToString } from "./shape.ts";
import { Node, type SymbolicMask, SymbolicTensor } from "./symbolic.ts";
import { Variable } from "./variable.ts";

/** Options every layer accepts (Keras's base `Layer` kwargs, in camelCase). */
export interface LayerOptions {
  /** Layer name; auto-generated from the class name when left out (`lstm`, `lstm_1`, …). */
  name?: string;
  /** Whether the weights count as trainable (inference ignores it). */
  trainable?: boolean;
  /** Only `"float32"` is supported for weights and computation. */
  dtype?: string;
  /** Shape of one sample (no batch dimension), for the first layer of a Sequential model. */
  inputShape?: Shape;
  /** Fixed batch size that goes with `inputShape`. */
  batchSize?: number;
  /** Full input shape, batch first (Keras 2's `batch_input_shape`). */
  batchInputShape?: Shape;
}

/** What a layer's `call` receives besides its input tensors. */
export interface CallContext {
  /** One mask per input (`null` when an input has none). */
  readonly masks: readonly (Tensor | null)[];
  /** Initial states for recurrent layers, or `null`. */
  readonly initialState: readonly Tensor[] | null;
  /** Always false in Kerno (inference only). */
  readonly training: boolean;
  /** Non-tensor positional arguments recorded in the graph (operation layers use them). */
  readonly extraArgs: readonly unknown[];
  /**
   * The layer's own keyword arguments of this call (names listed in
   * {@linkcode Layer.callArguments}, e.g. Attention's `return_attention_scores`).
   */
  readonly callArgs?: Readonly<Record<string, unknown>>;
  /**
   * Where the caller would like the outputs written, one entry per output (`null`: no wish):
   * a float32 array of exactly the output's size. A layer may write output `i` there and
   * return a tensor over it, or ignore the wish (the caller then copies). Keras has no such
   * argument; the model uses it to write the last layer's output straight into a pool
   * worker's shared output rows or into a batched call's output.
   */
  readonly into?: readonly (Float32Array | null)[];
}

/** Shapes a layer's `computeOutputShape` receives besides the input shapes. */
export interface ShapeContext {
  /** Shapes of the initial-state tensors, or `null`. */
  readonly initialState: readonly Shape[] | null;
  /** Non-tensor positional arguments of the call. */
  readonly extraArgs: readonly unknown[];
  /** The layer's own keyword arguments of the call (see {@linkcode Layer.callArguments}). */
  readonly callArgs?: Readonly<Record<string, unknown>>;
}

/** Options of {@linkcode Layer.apply}. */
export interface ApplyOptions<T> {
  /** Initial states of a recurrent layer (`initial_state=` in Keras). */
  initialState?: readonly T[];
  /** An explicit mask; overrides the mask carried by the input. `null` means no mask. */
  mask?: T | null;
  /** Accepted for Keras parity; Kerno runs inference only. */
  training?: boolean;
  /** Non-tensor positional arguments (operation layers). */
  extraArgs?: readonly unknown[];
  /**
   * Keyword arguments of the layer's own call, by their Keras names (e.g.
   * `{ return_attention_scores: true }`); only the names in {@linkcode Layer.callArguments}
   * are accepted. They are recorded in the graph node, as Keras does.
   */
  callArgs?: Readonly<Record<string, unknown>>;
}

/** The expected rank of a layer's inputs, checked when it is called. */
export interface InputSpec {
  /** Exact rank. */
  ndim?: number;
  /** Smallest accepted rank. */
  minNdim?: number;
}

/** How a layer nests its outputs: an index into the flat output list, or a list of those. */
export type OutputStructure = number | OutputStructure[];

/** A nested structure of tensors, following an {@linkcode OutputStructure}. */
export type Nested<T> = T | Nested<T>[];

/** The Keras serialization envelope of a layer: `{module, class_name, config, …}`. */
export interface SerializedLayer {
  /** Python module, e.g. `keras.layers`. */
  module?: string | null;
  /** Keras class name, e.g. `LSTM`. */
  class_name: string;
  /** The layer's own config (snake_case keys). */
  config: Record<string, unknown>;
  /** Registered name for custom objects (`null` for built-ins). */
  registered_name?: string | null;
  /** Shapes the layer was built with. */
  build_config?: Record<string, unknown>;
}

const eagerMasks = new WeakMap<Tensor, Tensor>();

/** The mask an eager layer call attached to `tensor` (as Keras's `_keras_mask`), if any. */
export function maskOf(tensor: Tensor): Tensor | null {
  return eagerMasks.get(tensor) ?? null;
}

/** Attaches `mask` to `tensor` for the next eager layer call (`null` removes it). */
export function setMaskOf(tensor: Tensor, mask: Tensor | null): void {
  if (mask) eagerMasks.set(tensor, mask);
  else eagerMasks.delete(tensor);
}

/** The Keras dtype policy object every layer config carries. */
export function dtypePolicyConfig(name = "float32"): Record<string, unknown> {
  return { module: "keras", class_name: "DTypePolicy", config: { name }, registered_name: null };
}

/** Picks the structure's tensors out of a flat list. */
export function nestOutputs<T>(flat: readonly T[], structure: OutputStructure): Nested<T> {
  return typeof structure === "number"
    ? flat[structure]
    : structure.map((s) => nestOutputs(flat, s));
}

/** Flattens a nested structure of values into a list (depth first). */
export function flattenNested<T>(value: Nested<T>, isLeaf: (v: unknown) => v is T): T[] {
  if (isLeaf(value)) return [value];
  return (value as Nested<T>[]).flatMap((v) => flattenNested(v, isLeaf));
}

/**
 * The base of every Kerno layer, with Keras's contract: weights created in `build`, a `call` on
 * concrete tensors, output shapes computed without running, masks, and a Keras config.
 *
 * Subclasses implement `className`, `computeOutputShape` and `call`; most also `build` and
 * `getConfig`. {@linkcode Layer.apply} calls a layer on concrete tensors (runs it at once) or on
 * {@linkcode SymbolicTensor}s (adds a node to a Functional graph).
 */
export abstract class Layer {
  /** Python module Keras serializes this class under. */
  static readonly module: string = "keras.layers";
  /** Keras class name; every subclass sets its own (`static override readonly className = "LSTM"`). */
  static readonly className: string = "Layer";

  /** Layer name, unique in a model. */
  name: string;
  /** Whether the weights are trainable. */
  trainable: boolean;
  /** The layer that owns this one (an RNN for its cell, a wrapper for its inner layer). */
  parent: Layer | null = null;
  /** Calls of this layer in graphs, in order (Keras's `_inbound_nodes`). */
  readonly inboundNodes: Node[] = [];
  /** Whether `build` has run. */
  built = false;
  /** The input shapes `build` received (for `build_config`). */
  buildShapes: Shape[] | null = null;
  /** Full input shape given by `inputShape`/`batchInputShape`, used by Sequential. */
  readonly batchInputShape: Shape | null;
  /** Rank expected of the inputs; checked at every call. */
  inputSpec: InputSpec | null = null;
  /**
   * Whether this layer's name is part of the variable paths of the layers it contains. True for a
   * model built in code (`sequential/bidirectional/forward_lstm/lstm_cell/kernel`); a loader sets
   * it to false on the containers Keras 3 builds without their own name scope when it loads a
   * `.keras` archive (`forward_lstm/lstm_cell/kernel`).
   */
  scopesVariablePaths = true;
  /** Whether a mask on the input passes through to the output unchanged. */
  supportsMasking = false;
  /**
   * Whether Keras's `call` of this class takes a `mask` argument (RNN, Bidirectional,
   * TimeDistributed). Such a call made with a single tensor records the input's mask explicitly in
   * its graph node, as Keras 3 does.
   */
  readonly callTakesMask: boolean = false;
  /**
   * The default of the `training` argument of Keras's `call`: `false` (recorded as
   * `training: false` in graph nodes, as Keras does for RNN and Dropout), `null` (an argument that
   * Keras leaves out when unset), or `undefined` when `call` has no such argument.
   */
  readonly callTrainingDefault: boolean | null | undefined = undefined;
  /**
   * Keyword arguments of Keras's `call` of this class, besides `mask`, `training` and
   * `initial_state`, that Kerno implements (e.g. `use_causal_mask`). A call may pass them in
   * {@linkcode ApplyOptions.callArgs}; a config node may carry them.
   */
  readonly callArguments: readonly string[] = [];
  /**
   * Whether Keras's `call` takes its tensors as separate positional arguments
   * (`MultiHeadAttention()(query, value)`) rather than one list (`Concatenate()([a, b])`). A call
   * with several inputs is then written to configs in that form.
   */
  readonly callTakesInputsPositionally: boolean = false;

  /** Variables this layer created itself, in creation order. */
  protected readonly ownVariables: Variable[] = [];

  /** Sets the common options; an unsupported dtype is refused. */
  constructor(options: LayerOptions = {}) {
    this.name = options.name ?? uniqueLayerName(toSnakeCase(this.className));
    this.trainable = options.trainable ?? true;
    if (options.dtype !== undefined && options.dtype !== "float32") {
      throw new TypeError(
        `Layer "${this.name}": only dtype "float32" is supported, received "${options.dtype}"`,
      );
    }
    if (options.batchInputShape) this.batchInputShape = [...options.batchInputShape];
    else if (options.inputShape) {
      this.batchInputShape = [options.batchSize ?? null, ...options.inputShape];
    } else this.batchInputShape = null;
  }

  /** Keras class name, e.g. `LSTM` (the static `className` of the instance's class). */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Creates the weights for inputs of these shapes. The default has no weights. */
  build(inputShapes: readonly Shape[], _context?: ShapeContext): void {
    this.buildShapes = [...inputShapes];
    this.built = true;
  }

  /** Output shapes, flat, for inputs of these shapes. */
  abstract computeOutputShape(inputShapes: readonly Shape[], context: ShapeContext): Shape[];

  /** Runs the layer on concrete tensors; returns the flat outputs. */
  abstract call(inputs: readonly Tensor[], context: CallContext): Tensor[];

  /** Output masks for these inputs and input masks. By default a supported mask passes through. */
  computeMask(inputs: readonly Tensor[], masks: readonly (Tensor | null)[]): (Tensor | null)[] {
    const n = this.outputCount();
    const m = this.supportsMasking ? masks[0] ?? null : null;
    void inputs;
    return new Array(n).fill(m);
  }

  /** Which outputs carry a mask, given which inputs do (the symbolic twin of `computeMask`). */
  outputsHaveMask(inputsHaveMask: readonly boolean[]): boolean[] {
    const n = this.outputCount();
    return new Array(n).fill(this.supportsMasking && inputsHaveMask[0] === true);
  }

  /**
   * The masks of the outputs of a symbolic call, given the mask of the first input (Keras's
   * `compute_mask` on symbolic tensors). By default an output that `outputsHaveMask` marks gets
   * the input's mask unchanged, or a run-time mask when the input has none. Layers that compute a
   * mask (Masking, Embedding) return the symbolic tensor of an operation node instead.
   */
  symbolicOutputMasks(
    _inputs: readonly SymbolicTensor[],
    previousMask: SymbolicMask,
    inputsHaveMask: readonly boolean[],
  ): SymbolicMask[] {
    return this.outputsHaveMask(inputsHaveMask).map((has) =>
      has ? (previousMask ?? "runtime") : null
    );
  }

  /** Output dtypes, given the input dtypes. Float32 by default. */
  outputDtypes(_inputDtypes: readonly DType[]): DType[] {
    return new Array(this.outputCount()).fill("float32");
  }

  /** Number of flat outputs. */
  outputCount(): number {
    return 1;
  }

  /**
   * How the flat outputs nest in what `apply` and `predict` return. `context` is the call's,
   * for layers whose outputs depend on a call argument.
   */
  outputStructure(_context?: ShapeContext): OutputStructure {
    const n = this.outputCount();
    return n === 1 ? 0 : Array.from({ length: n }, (_, i) => i);
  }

  /** Sub-layers that own weights, by Keras attribute name (`cell`, `forward_layer`, …). */
  children(): [string, Layer | Layer[]][] {
    return [];
  }

  /** Keras config (snake_case keys): the base part every layer shares. */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: dtypePolicyConfig() };
  }

  /**
   * Keras's serialization envelope of this layer, `{module, class_name, config,
   * registered_name, build_config}`, as a parent's config holds it. Models add their own keys.
   */
  serialize(): SerializedLayer {
    const module = (this.constructor as { module?: string }).module ?? "keras.layers";
    const out: SerializedLayer = {
      module,
      class_name: this.className,
      config: this.getConfig(),
      registered_name: module.startsWith("keras.src.ops") ? this.className : null,
    };
    const build = this.getBuildConfig();
    if (build) out.build_config = build;
    return out;
  }

  /** Keras `build_config`, or undefined when not built. */
  getBuildConfig(): Record<string, unknown> | undefined {
    if (!this.buildShapes) return undefined;
    return { input_shape: this.buildShapes.length === 1 ? this.buildShapes[0] : this.buildShapes };
  }

  /** Creates a weight, filled by `initializer`, in creation order. */
  protected addWeight(
    name: string,
    shape: readonly number[],
    initializer: Initializer,
    trainable = true,
  ): Variable {
    const where = `${this.className} layer "${this.name}", weight "${name}"`;
    const init = admitWeight(where, shape);
    let data: Float32Array;
    try {
      data = init
        ? initializer.generate(shape)
        : new Float32Array(shape.reduce((a, b) => a * b, 1));
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      const Ctor = e instanceof RangeError ? RangeError : TypeError;
      throw new Ctor(`${where}: ${e.message}`, { cause: e });
    }
    const v = new Variable(this, name, new Tensor(data, shape), trainable);
    this.ownVariables.push(v);
    return v;
  }

  /** All variables: this layer's own, then each child's, in Keras's tracking order. */
  get variables(): Variable[] {
    const out = [...this.ownVariables];
    for (const [, child] of this.children()) {
      for (const c of Array.isArray(child) ? child : [child]) out.push(...c.variables);
    }
    return out;
  }

  /**
   * Keras 3's `layer.weights` (the `get_weights()` order): this layer's own trainable variables,
   * then its own non-trainable ones, then each child's weights in turn (a BatchNormalization's
   * moving statistics come right after its `gamma` and `beta`).
   */
  get weights(): Variable[] {
    const own = this.ownVariables;
    const out = [...own.filter((v) => v.trainable), ...own.filter((v) => !v.trainable)];
    for (const [, child] of this.children()) {
      for (const c of Array.isArray(child) ? child : [child]) out.push(...c.weights);
    }
    return [...new Set(out)];
  }

  /**
   * The order legacy HDF5 files store a layer's weights in (Keras's `trainable_weights +
   * non_trainable_weights`): every trainable variable, nested ones included, then every
   * non-trainable one.
   */
  get legacyWeights(): Variable[] {
    const all = this.weights;
    return [...all.filter((v) => v.trainable), ...all.filter((v) => !v.trainable)];
  }

  /** The weight values in Keras order (`get_weights()`); the tensors are live, not copies. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => v.value);
  }

  /**
   * Replaces the weights, in Keras order. Every shape is checked before anything changes, so a
   * bad list leaves the layer as it was.
   */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new RangeError(
        `Layer "${this.name}" expects ${ws.length} weights, but received ${values.length}`,
      );
    }
    for (let i = 0; i < ws.length; i++) {
      const want = ws[i].shape;
      const got = values[i].shape;
      if (want.length !== got.length || want.some((d, j) => d !== got[j])) {
        throw new RangeError(
          `Layer "${this.name}" weight ${i} (${ws[i].path}) has shape ${
            shapeToString(want)
          }, which is not compatible with provided weight shape ${shapeToString(got)}`,
        );
      }
      if (values[i].dtype !== "float32") {
        throw new TypeError(
          `Layer "${this.name}" weight ${i} (${ws[i].path}) must be float32, received ${
            values[i].dtype
          }`,
        );
      }
    }
    for (let i = 0; i < ws.length; i++) {
      ws[i].assign(values[i].f32);
    }
  }

  /** Number of scalar parameters (Keras's `count_params()`). */
  countParams(): number {
    let n = 0;
    for (const v of this.variables) n += v.value.size;
    return n;
  }

  /** Checks ranks against `inputSpec`; the error reads like Keras's and names the input. */
  protected checkInputs(shapes: readonly Shape[]): void {
    const spec = this.inputSpec;
    if (!spec) return;
    shapes.forEach((shape, i) => {
      const problem = spec.ndim !== undefined && shape.length !== spec.ndim
        ? `expected ndim=${spec.ndim}, found ndim=${shape.length}`
        : spec.minNdim !== undefined && shape.length < spec.minNdim
        ? `expected min_ndim=${spec.minNdim}, found ndim=${shape.length}`
        : null;
      if (problem) {
        throw new TypeError(
          `Input ${i} of layer "${this.name}" is incompatible with the layer: ${problem}. ` +
            `Full shape received: ${shapeToString(shape)}`,
        );
      }
    });
  }

  /**
   * Calls the layer. On concrete tensors (or nested number arrays) it runs at once and returns
   * tensors, as `SimpleRNN(3)(x)` does in Keras. On {@linkcode SymbolicTensor}s it records a
   * node of a Functional graph and returns symbolic outputs with Keras's shapes. A layer with one
   * output returns it alone; several outputs (e.g. `returnState`) come back as a list.
   *
   * @example
   * ```ts ignore
   * const [seq, h, c] = new LSTM(4, { returnSequences: true, returnState: true })
   *   .apply(x) as Tensor[];
   * ```
   */
  apply<T extends Tensor | SymbolicTensor>(
    inputs: T | readonly T[],
    options: ApplyOptions<T> = {},
  ): Nested<T> {
    const list: T[] = Array.isArray(inputs) ? [...inputs] : [inputs as T];
    for (const key of Object.keys(options.callArgs ?? {})) {
      if (!this.callArguments.includes(key)) {
        throw new TypeError(
          `Layer "${this.name}" (${this.className}): unsupported call argument "${key}"` +
            (this.callArguments.length > 0 ? ` (it accepts ${this.callArguments.join(", ")})` : ""),
        );
      }
    }
    const asList = Array.isArray(inputs);
    const all: unknown[] = [...list, ...(options.initialState ?? [])];
    if (options.mask) all.push(options.mask);
    const symbolic = all.some((t) => t instanceof SymbolicTensor);
    if (symbolic) {
      const bad = all.findIndex((t) => !(t instanceof SymbolicTensor));
      if (bad >= 0) {
        throw new TypeError(
          `Layer "${this.name}": cannot mix symbolic and concrete tensors in one call ` +
            `(argument ${bad} is ${String(all[bad])})`,
        );
      }
      return this.#applySymbolic(
        list as SymbolicTensor[],
        asList,
        options as ApplyOptions<SymbolicTensor>,
      ) as Nested<T>;
    }
    return this.#applyEager(list as Tensor[], options as ApplyOptions<Tensor>) as Nested<T>;
  }

  /** Builds on first use, with the shapes of the first call. */
  protected ensureBuilt(shapes: readonly Shape[], context: ShapeContext): void {
    if (!this.built) this.build(shapes, context);
  }

  #applyEager(inputs: Tensor[], options: ApplyOptions<Tensor>): Nested<Tensor> {
    const shapes = inputs.map((t) => t.shape);
    this.checkInputs(shapes);
    const initialState = options.initialState ? [...options.initialState] : null;
    const extraArgs = options.extraArgs ?? [];
    const callArgs = options.callArgs ?? {};
    const shapeContext: ShapeContext = {
      initialState: initialState?.map((t) => t.shape) ?? null,
      extraArgs,
      callArgs,
    };
    this.ensureBuilt(shapes, shapeContext);
    // Keras fills in `mask` only for a call with a single tensor argument, but the output mask
    // is computed from the first input's mask in every case.
    const inputMasks = inputs.map((t) => maskOf(t));
    const masks: (Tensor | null)[] = options.mask !== undefined
      ? [options.mask, ...new Array(Math.max(0, inputs.length - 1)).fill(null)]
      : initialState === null
      ? inputMasks
      : inputs.map(() => null);
    const context: CallContext = { masks, initialState, training: false, extraArgs, callArgs };
    const outputs = this.call(inputs, context);
    const outMasks = this.computeMask(inputs, options.mask !== undefined ? masks : inputMasks);
    outputs.forEach((t, i) => setMaskOf(t, outMasks[i] ?? null));
    return nestOutputs(outputs, this.outputStructure(shapeContext));
  }

  #applySymbolic(
    inputs: SymbolicTensor[],
    asList: boolean,
    options: ApplyOptions<SymbolicTensor>,
  ): Nested<SymbolicTensor> {
    const shapes = inputs.map((t) => t.shape);
    this.checkInputs(shapes);
    const initialState = options.initialState ? [...options.initialState] : null;
    const extraArgs = options.extraArgs ?? [];
    const callArgs = options.callArgs ?? {};
    const context: ShapeContext = {
      initialState: initialState?.map((t) => t.shape) ?? null,
      extraArgs,
      callArgs,
    };
    this.ensureBuilt(shapes, context);
    const outShapes = this.computeOutputShape(shapes, context);
    const single = inputs.length === 1 && initialState === null;
    const kwargs: Record<string, unknown> = { ...callArgs };
    if (options.training !== undefined) kwargs.training = options.training;
    else if (single && this.callTrainingDefault === false) kwargs.training = false;
    let mask: SymbolicTensor | null | undefined = options.mask;
    if (mask === undefined && single && this.callTakesMask) {
      const carried = inputs[0].mask;
      mask = carried === "runtime" ? undefined : carried;
    }
    const node = new Node(this, {
      inputs,
      inputsAsList: asList,
      initialState,
      mask,
      extraArgs,
      kwargs,
    });
    const previousMask: SymbolicMask = options.mask !== undefined
      ? options.mask
      : inputs[0]?.mask ?? null;
    const outMasks = this.symbolicOutputMasks(
      inputs,
      previousMask,
      options.mask !== undefined ? [options.mask !== null] : inputs.map((t) => t.hasMask),
    );
    const dtypes = this.outputDtypes(inputs.map((t) => t.dtype));
    node.outputs = outShapes.map((s, i) =>
      new SymbolicTensor(s, dtypes[i] ?? "float32", node, i, outMasks[i] ?? null)
    );
    return nestOutputs(node.outputs, this.outputStructure(context));
  }

  /** `<LSTM name=lstm, built=true>`, as Keras prints a layer. */
  toString(): string {
    return `<${this.className} name=${this.name}, built=${this.built}>`;
  }
}
