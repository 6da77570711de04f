import {
  type BlasRequest,
  type DType,
  Tensor,
  type TensorData,
  withBlas,
  withDeterministicArithmetic,
} from "@kerno/tensor";
import {
  type CallContext,
  Layer,
  type Limits,
  type Nested,
  nestOutputs,
  type OutputStructure,
  type SerializedLayer,
  type Shape,
  type ShapeContext,
  shapeToString,
  type SymbolicMask,
  SymbolicTensor,
  withLimits,
} from "@kerno/layers";
import { checkInto, growRows, placeOutput, rowsOf, sliceRows } from "./batching.ts";
import {
  checkInputShapes,
  checkInputSizes,
  describeValue,
  type PredictInput,
  standardizeInputs,
  toInputTensors,
} from "./inputs.ts";
import { connectEnds } from "./connect.ts";
import { functionalConfig } from "./functional_config.ts";
import { type GraphMap, mapGraph } from "./graph.ts";
import { runGraph } from "./run_graph.ts";
import {
  batchNormFolding,
  type GraphPlan,
  planBatchNormFolds,
  withBatchNormFolding,
} from "./batchnorm_fold.ts";
import { flattenStructure, leafPaths } from "./structure.ts";
import { isSequentialLike, summaryRow, weightTotals } from "./summary.ts";
import { formatSummary, type SummaryOptions } from "./summary_format.ts";

/** Options every model takes. */
export interface BaseModelOptions {
  /** Model name; `functional`, `sequential`, … (numbered) when left out. */
  name?: string;
  /** Whether the weights count as trainable (only affects the summary's totals). */
  trainable?: boolean;
}

/**
 * Options of the Functional {@linkcode Model} constructor. `O`, the type of `outputs`, types
 * what `predict` returns (see {@linkcode PredictOutput}).
 */
export interface ModelOptions<O extends Nested<SymbolicTensor> = Nested<SymbolicTensor>>
  extends BaseModelOptions {
  /** Model inputs: `Input()` tensors (or intermediate tensors), alone or in a (nested) list. */
  inputs: Nested<SymbolicTensor>;
  /** Model outputs, alone or in a (nested) list; `predict` returns the same structure. */
  outputs: O;
}

/**
 * What `predict` returns for a model whose `outputs` have type `O`: `Tensor` for one output
 * tensor, `Tensor[]` for a list of them, and `Nested<Tensor>` when the outputs are known only at
 * run time (`O = Nested<SymbolicTensor>`: `loadModel`, `modelFromJSON`, `Sequential`, whose last
 * layer may return several) or nest lists in lists. `WorkerPool.predict` resolves with it; for
 * the `Nested<Tensor>` case, {@linkcode Model.predictOne} (one tensor, or an error naming the
 * output count) and {@linkcode Model.predictFlat} (every output in a flat list) are typed.
 *
 * @example
 * ```ts ignore
 * const model = new Model({ inputs, outputs: [seq, h, c] }); // Model<SymbolicTensor[]>
 * type Y = PredictOutput<SymbolicTensor[]>; // Tensor[], what model.predict(x) returns
 * ```
 */
export type PredictOutput<O extends Nested<SymbolicTensor>> = [Nested<SymbolicTensor>] extends [O]
  ? Nested<Tensor>
  : [O] extends [SymbolicTensor] ? Tensor
  : [O] extends [SymbolicTensor[]] ? Tensor[]
  : Nested<Tensor>;

/** Options of {@linkcode Model.predict}. */
export interface PredictOptions {
  /**
   * Rows per batch (default 32, or the fixed batch size of the inputs when they have one, as
   * stateful models need). Results do not depend on it, except for stateful layers.
   */
  batchSize?: number;
  /**
   * Run this call's matrix products on a native BLAS (`true` finds one, a string is its path)
   * or on the WebAssembly core (`false`); default: the model's {@linkcode Model.blas}. Needs
   * `--allow-ffi`; when BLAS cannot run, the WebAssembly core does and one line says why.
   */
  blas?: BlasRequest;
  /** Limits on top of the current ones; `maxPredictInputValues` bounds the input size. */
  limits?: Partial<Limits>;
  /**
   * Arrays to receive the flat outputs (one per output, `null` for none), each of the output's
   * element type and exact size: the results are written there and the returned tensors view
   * them. Reusing the same arrays across calls saves allocating (and, on Linux, first touching)
   * fresh output memory at every call.
   */
  into?: readonly (TensorData | null)[];
  /**
   * Fold BatchNormalization layers into the Dense or recurrent layer beside them for this call
   * (see {@linkcode Model.foldBatchNorm}); default: the model's setting.
   */
  foldBatchNorm?: boolean;
  /**
   * Run this call in deterministic arithmetic (every product and sum rounded separately, the
   * same bits on every CPU) or not; default: the process's setting
   * (`deterministicArithmetic()` of `@kerno/tensor`, off unless `KERNO_DETERMINISTIC=1`).
   */
  deterministic?: boolean;
}

/** What the summary needs to know: which layers, and whether to print "Connected to". */
export interface SummaryPlan {
  /** The layers to list, in order. */
  readonly layers: readonly Layer[];
  /** Three columns (sequential-like) or four with "Connected to". */
  readonly sequentialLike: boolean;
  /** The graph whose nodes the "Connected to" column lists. */
  readonly graph: GraphMap | null;
}

/** True for Keras operations (`keras.src.ops.*`, e.g. `NotEqual`), which are not Keras Layers. */
export function isOperation(layer: Layer): boolean {
  const module = (layer.constructor as { module?: string }).module ?? "";
  return module.startsWith("keras.src.ops");
}

/**
 * Refuses a model that has not exactly one output, for `caller` (`predictOne()`), naming the
 * outputs' count and shapes.
 *
 * @example
 * ```ts ignore
 * checkOneOutput("functional", model.outputs, "predictOne()"); // throws for 3 outputs
 * ```
 */
export function checkOneOutput(
  model: string,
  outputs: readonly { readonly shape: readonly (number | null)[] }[],
  caller: string,
): void {
  if (outputs.length === 1) return;
  const shapes = outputs.map((t) => shapeToString(t.shape as Shape)).join(", ");
  throw new TypeError(
    outputs.length === 0
      ? `Model "${model}" has no outputs yet (it is not built), so ${caller} has no tensor to return`
      : `Model "${model}" has ${outputs.length} outputs (shapes ${shapes}), but ${caller} returns ` +
        `one tensor: use predict() for the outputs nested as the model was built, or ` +
        `predictFlat() for a list of all ${outputs.length}`,
  );
}

function checkSymbolic(list: unknown[], what: "inputs" | "outputs"): SymbolicTensor[] {
  if (list.length === 0) {
    throw new TypeError(`The \`${what}\` argument of a Model cannot be empty`);
  }
  const bad = list.find((v) => !(v instanceof SymbolicTensor));
  if (bad !== undefined || list.some((v) => v === undefined)) {
    throw new TypeError(
      `All \`${what}\` values must be KerasTensors (symbolic tensors from Input() or a layer ` +
        `call). Received ${list.length} value(s) including invalid value ${describeValue(bad)}`,
    );
  }
  return list as SymbolicTensor[];
}

/**
 * A Keras Functional model: a graph of layer calls from `Input()` tensors to outputs. It runs
 * batches with {@linkcode Model.predict}, prints Keras's summary table, gets and sets weights in
 * Keras order, and writes Keras 3's JSON config.
 *
 * @example
 * ```ts ignore
 * import { Input, Model } from "@kerno/model";
 * import { LSTM } from "@kerno/layers";
 * const x = Input({ shape: [3, 1] });
 * const [seq, h, c] = new LSTM(1, { returnSequences: true, returnState: true }).apply(x);
 * const model = new Model({ inputs: x, outputs: [seq, h, c] });
 * const [ys, hs, cs] = model.predict([[[0.1], [0.2], [0.3]]]); // Tensor[]
 * ```
 *
 * @typeParam O The type of `outputs` (`SymbolicTensor`, `SymbolicTensor[]`, …), which types what
 * {@linkcode Model.predict} returns; `Nested<SymbolicTensor>` when it is known only at run time.
 */
export class Model<O extends Nested<SymbolicTensor> = Nested<SymbolicTensor>> extends Layer {
  /**
   * Python module Keras serializes this class under.
   *
   * @ignore
   */
  static override readonly module: string = "keras.src.models.functional";
  /** Keras class name. */
  static override readonly className: string = "Functional";
  /**
   * `registered_name` in the serialized form.
   *
   * @ignore
   */
  static readonly registeredName: string | null = "Functional";

  #inputs: SymbolicTensor[] = [];
  #outputs: SymbolicTensor[] = [];
  #inputStructure: OutputStructure = [];
  #outputStructure: OutputStructure = [];
  #graph: GraphMap | null = null;
  #lastMasks: (Tensor | null)[] = [];
  /**
   * The backend of this model's matrix products in `predict`: `true` or a library path for a
   * native BLAS, `false` for the WebAssembly core, `undefined` (default) for the thread's choice
   * (`KERNO_BLAS`, `useBlas` of `@kerno/tensor`). `loadModel`'s `blas` option sets it.
   */
  blas: BlasRequest | undefined = undefined;
  /**
   * Whether `predict` folds each BatchNormalization (an affine map at inference) into the Dense
   * it follows or into the Dense or recurrent layer it feeds, instead of running it (default
   * true). The folded kernels are copies, made again when a weight changes; the model's weights,
   * summary, config and files stay Keras's. A fold into a following layer is made only while the
   * statistics keep its rounding error small (`MAX_INPUT_FOLD_AMPLIFICATION`). Results differ from
   * the unfolded run in the last bits, within the reference tolerance; the worker pool folds the
   * same way, so it stays bit-identical to `predict`.
   */
  foldBatchNorm = true;
  #plan: GraphPlan | null = null;

  /**
   * Builds the graph between `inputs` and `outputs`. Refuses non-symbolic values, and outputs that
   * cannot be computed from the inputs (naming the tensor that cannot be reached). Subclasses
   * such as {@linkcode Sequential} pass no graph and set it later.
   */
  constructor(options: ModelOptions<O> | BaseModelOptions) {
    super({ name: options.name, trainable: options.trainable });
    if ("inputs" in options || "outputs" in options) {
      const o = options as ModelOptions<O>;
      this.setGraph(o.inputs, o.outputs);
    } else if (new.target === Model) {
      throw new TypeError("new Model() needs `inputs` and `outputs` (symbolic tensors)");
    }
  }

  /**
   * Sets the model's graph (what the constructor does with `inputs` and `outputs`).
   *
   * @ignore
   */
  protected setGraph(inputs: Nested<SymbolicTensor>, outputs: Nested<SymbolicTensor>): void {
    if (inputs === undefined) throw new TypeError("The `inputs` argument of a Model is missing");
    if (outputs === undefined) throw new TypeError("The `outputs` argument of a Model is missing");
    const ins = flattenStructure(inputs);
    const outs = flattenStructure(outputs);
    const flatIn = checkSymbolic(ins.flat, "inputs");
    const flatOut = checkSymbolic(outs.flat, "outputs");
    const ends = connectEnds(flatIn, flatOut, leafPaths(outs.structure), this.name);
    this.#graph = mapGraph(ends.inputs, ends.outputs);
    this.#inputs = ends.inputs;
    this.#outputs = ends.outputs;
    this.#inputStructure = ins.structure;
    this.#outputStructure = outs.structure;
    this.#plan = null;
    this.built = true;
  }

  /**
   * Forgets the graph (a Sequential model does this before it rebuilds).
   *
   * @ignore
   */
  protected clearGraph(): void {
    this.#graph = null;
    this.#inputs = [];
    this.#outputs = [];
    this.#inputStructure = [];
    this.#outputStructure = [];
    this.#plan = null;
    this.built = false;
  }

  /** The BatchNormalization folds of the graph when folding is on now, else null. */
  #foldPlan(): GraphPlan | null {
    if (!batchNormFolding()) return null;
    this.#plan ??= planBatchNormFolds(this.#graph!.nodes, this.#outputs);
    return this.#plan;
  }

  /**
   * The graph, or null while a Sequential model is not built.
   *
   * @ignore
   */
  protected get graph(): GraphMap | null {
    return this.#graph;
  }

  /** Model inputs, flat (Keras's `model.inputs`). */
  get inputs(): SymbolicTensor[] {
    return [...this.#inputs];
  }

  /**
   * The input shape, batch first with `null` where any size goes (Keras's `model.input_shape`):
   * one shape for a single input, a list of shapes for several.
   *
   * @example
   * ```ts ignore
   * model.inputShape; // [null, 5, 3]
   * ```
   */
  get inputShape(): Shape | Shape[] {
    const shapes = this.#inputs.map((t) => t.shape);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** The output shape (Keras's `model.output_shape`): one shape, or a list for several outputs. */
  get outputShape(): Shape | Shape[] {
    const shapes = this.#outputs.map((t) => t.shape);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** Model outputs, flat (Keras's `model.outputs`). */
  get outputs(): SymbolicTensor[] {
    return [...this.#outputs];
  }

  /**
   * Model outputs, nested as they were given (Keras's `model.output`): one tensor, or a list.
   * Its type `O` types {@linkcode Model.predict}.
   */
  get output(): O {
    if (!this.#graph) {
      throw new TypeError(`Model "${this.name}" is not built: it has no output yet`);
    }
    return nestOutputs(this.#outputs, this.#outputStructure) as O;
  }

  /**
   * The layers in Keras's order: topological, InputLayers included for a Functional model. The
   * operation nodes Keras 3 writes for masks (`NotEqual`, `Any`) are left out, as Keras leaves
   * out its non-Layer operations; {@linkcode Model.operations} has them all.
   */
  get layers(): Layer[] {
    return this.operations.filter((l) => !isOperation(l));
  }

  /** Every layer and operation of the graph, in Keras's order (Keras's `model.operations`). */
  get operations(): Layer[] {
    return this.#graph ? [...this.#graph.layers] : [];
  }

  /** A layer by name, or by index in {@linkcode Model.layers}. */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === "number") {
      const layer = layers[nameOrIndex];
      if (!layer) {
        throw new RangeError(
          `Model "${this.name}" has ${layers.length} layers, so index ${nameOrIndex} is out of range`,
        );
      }
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new RangeError(
        `No such layer: ${nameOrIndex}. Existing layers are: [${
          layers.map((l) => l.name).join(", ")
        }]`,
      );
    }
    return layer;
  }

  /**
   * The layers own the weights, in `layers` order.
   *
   * @ignore
   */
  override children(): [string, Layer | Layer[]][] {
    return [["layers", this.layers]];
  }

  /**
   * Number of flat outputs.
   *
   * @ignore
   */
  override outputCount(): number {
    return this.#outputs.length;
  }

  /** How `predict` nests its flat outputs: the structure `outputs` was given in. */
  override outputStructure(): OutputStructure {
    return this.#outputStructure;
  }

  /**
   * How `inputs` was nested when the model was made.
   *
   * @ignore
   */
  inputStructure(): OutputStructure {
    return this.#inputStructure;
  }

  /**
   * Dtypes of the outputs.
   *
   * @ignore
   */
  override outputDtypes(): DType[] {
    return this.#outputs.map((t) => t.dtype);
  }

  /**
   * Whether each output carries a mask.
   *
   * @ignore
   */
  override outputsHaveMask(): boolean[] {
    return this.#outputs.map((t) => t.hasMask);
  }

  /**
   * A nested model's output masks are computed by its own graph, at run time.
   *
   * @ignore
   */
  override symbolicOutputMasks(): SymbolicMask[] {
    return this.#outputs.map((t) => (t.hasMask ? "runtime" : null));
  }

  /**
   * Output shapes for inputs of these shapes (the model's own, with the given batch size).
   *
   * @ignore
   */
  computeOutputShape(inputShapes: readonly Shape[], _context?: ShapeContext): Shape[] {
    checkInputShapes(this.name, this.#inputs, inputShapes);
    const batch = inputShapes[0]?.[0] ?? null;
    return this.#outputs.map((t) => [batch, ...t.shape.slice(1)]);
  }

  /**
   * Runs the graph on one batch of concrete tensors; the masks in `context` enter with them.
   *
   * @ignore
   */
  call(inputs: readonly Tensor[], context?: CallContext): Tensor[] {
    this.prepareFor(inputs);
    const run = runGraph(
      this.#graph!.nodes,
      this.#inputs,
      inputs,
      context?.masks ?? [],
      this.#outputs,
      context?.into,
      this.#foldPlan(),
    );
    this.#lastMasks = run.masks;
    return run.outputs;
  }

  /**
   * The output masks of the last `call`.
   *
   * @ignore
   */
  override computeMask(): (Tensor | null)[] {
    return [...this.#lastMasks];
  }

  /**
   * Makes sure a graph exists for inputs like these. A Functional model always has one; a
   * Sequential model without a known input shape builds itself from the first data it sees.
   *
   * @ignore
   */
  protected prepareFor(_inputs: readonly Tensor[]): void {
    if (!this.#graph) {
      throw new TypeError(`Model "${this.name}" is not built: it has no inputs yet`);
    }
  }

  /**
   * Runs a model built with one output tensor (`new Model({ inputs, outputs: y })`) and
   * returns its output, typed `Tensor`. See the last form for what every call does.
   */
  predict(this: Model<SymbolicTensor>, x: PredictInput, options?: PredictOptions): Tensor;
  /**
   * Runs a model built with a list of output tensors (`outputs: [seq, h, c]`) and returns the
   * list, typed `Tensor[]`. See the last form for what every call does.
   */
  predict(this: Model<SymbolicTensor[]>, x: PredictInput, options?: PredictOptions): Tensor[];
  /**
   * Runs the model on concrete inputs (one tensor or nested arrays, or a list with one per input)
   * and returns the outputs in the structure the model was built with: one tensor for
   * `outputs: y`, a list for `outputs: [a, b]`. The type follows `outputs` where it is known (see
   * {@linkcode PredictOutput}); a loaded model or a `Sequential` gives `Nested<Tensor>`, for which
   * {@linkcode Model.predictOne} and {@linkcode Model.predictFlat} are typed. Inputs are checked
   * first (count, rank, known dimensions); rows run in batches of `batchSize` and the results are
   * joined. Stateful layers carry their state from batch to batch and call to call.
   *
   * @example
   * ```ts ignore
   * const model = new Model({ inputs, outputs: y });
   * const out = model.predict(tensor([0.1, 0.2, 0.3], [1, 3, 1])); // Tensor
   * ```
   */
  predict(x: PredictInput, options?: PredictOptions): Nested<Tensor>;
  predict(x: PredictInput, options: PredictOptions = {}): Nested<Tensor> {
    return nestOutputs(this.predictFlat(x, options), this.#outputStructure);
  }

  /**
   * {@linkcode Model.predict} for a model with one output, typed `Tensor` whatever the model's
   * type says (a loaded model, a `Sequential`). A model with several outputs is refused before
   * anything runs, with an error that names their count and shapes.
   *
   * @example
   * ```ts ignore
   * const model = await loadModel("model.keras");
   * const y = model.predictOne(x); // Tensor
   * ```
   */
  predictOne(x: PredictInput, options: PredictOptions = {}): Tensor {
    const xs = withLimits(options.limits, () => toInputTensors(this.name, this.#inputs, x));
    this.prepareFor(xs); // a Sequential without an input shape builds here
    checkOneOutput(this.name, this.#outputs, "predictOne()");
    return this.predictFlat(xs, options)[0];
  }

  /**
   * {@linkcode Model.predict} returning every output in one flat list, in
   * {@linkcode Model.outputs} order, whatever their nesting: typed `Tensor[]` for any model (one
   * output gives a list of one). Takes what `predict` takes.
   *
   * @example
   * ```ts ignore
   * const [seq, h, c] = model.predictFlat(x); // Tensor[]
   * ```
   */
  predictFlat(x: PredictInput, options: PredictOptions = {}): Tensor[] {
    return withLimits(options.limits, () => {
      const xs = toInputTensors(this.name, this.#inputs, x);
      return withBlas(
        options.blas ?? this.blas,
        () =>
          withBatchNormFolding(
            options.foldBatchNorm ?? this.foldBatchNorm,
            () =>
              withDeterministicArithmetic(
                options.deterministic,
                () => this.#predictFlat(xs, options),
              ),
          ),
      );
    });
  }

  #predictFlat(x: readonly Tensor[], options: PredictOptions): Tensor[] {
    if (!Array.isArray(x)) {
      throw new TypeError(
        `Model "${this.name}": predictFlat() expected a list of tensors, received ${
          describeValue(x)
        }`,
      );
    }
    withLimits(options.limits, () => checkInputSizes(this.name, x));
    this.prepareFor(x);
    const xs = standardizeInputs(this.name, this.#inputs, x);
    const rows = xs[0].shape[0];
    if (rows === 0) {
      throw new RangeError(`Model "${this.name}": predict() received inputs with 0 rows`);
    }
    const fixed = this.#inputs.find((t) => t.shape[0] !== null)?.shape[0] ?? null;
    const batchSize = options.batchSize ?? fixed ?? 32;
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new RangeError(
        `predict(): batchSize must be a positive integer, received ${batchSize}`,
      );
    }
    const into = checkInto(this.name, this.#outputs, rows, options.into);
    const run = (inputs: Tensor[], dests: readonly (TensorData | null)[]): Tensor[] => {
      const wish = dests.map((d) => d instanceof Float32Array ? d : null);
      const ys = runGraph(
        this.#graph!.nodes,
        this.#inputs,
        inputs,
        [],
        this.#outputs,
        wish,
        this.#foldPlan(),
      );
      return ys.outputs.map((y, i) => placeOutput(this.name, i, y, dests[i] ?? null));
    };
    if (rows <= batchSize) return run(xs, into);
    // The first batch sizes the outputs; every later batch writes into its rows of them.
    const first = run(
      xs.map((t) => sliceRows(t, 0, batchSize)),
      into.map((d) => rowsOf(d, 0, batchSize, rows)),
    );
    const outs = first.map((y, i) =>
      into[i] ? new Tensor(into[i]!, [rows, ...y.shape.slice(1)]) : growRows(y, rows)
    );
    for (let start = batchSize; start < rows; start += batchSize) {
      const end = Math.min(rows, start + batchSize);
      run(xs.map((t) => sliceRows(t, start, end)), outs.map((o) => sliceRows(o, start, end).data));
    }
    return outs;
  }

  /**
   * Replaces all weights, in Keras order (`getWeights()` order). Every shape is checked before
   * anything changes; a mismatch reads like Keras's: `Layer sequential weight shape (3, 16) is not
   * compatible with provided weight shape (4, 16).`
   */
  override setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new RangeError(
        `You called setWeights(weights) on model "${this.name}" with a weight list of length ${values.length}, but the model was expecting ${ws.length} weights.`,
      );
    }
    ws.forEach((w, i) => {
      const got = values[i];
      if (!(got instanceof Tensor)) {
        throw new TypeError(
          `Model "${this.name}": weight ${i} (${w.path}) must be a Tensor, received ${
            describeValue(got)
          }`,
        );
      }
      const same = got.shape.length === w.shape.length &&
        got.shape.every((d, j) => d === w.shape[j]);
      if (!same) {
        throw new TypeError(
          `Layer ${this.name} weight shape ${shapeToString(w.shape)} is not compatible with ` +
            `provided weight shape ${shapeToString(got.shape)}. (weight ${i}: ${w.path})`,
        );
      }
      if (got.dtype !== "float32") {
        throw new TypeError(
          `Model "${this.name}": weight ${i} (${w.path}) must be float32, received ${got.dtype}`,
        );
      }
    });
    ws.forEach((w, i) => w.assign(values[i].f32));
  }

  /** Resets the state of every stateful layer (those with a `resetStates()` method). */
  resetStates(): void {
    for (const layer of this.layers) {
      const candidate = layer as Layer & { resetStates?: () => void; stateful?: boolean };
      if (typeof candidate.resetStates === "function" && candidate.stateful !== false) {
        candidate.resetStates();
      }
    }
  }

  /**
   * Which layers the summary lists, and how.
   *
   * @ignore
   */
  protected summaryPlan(): SummaryPlan {
    const graph = this.#graph;
    return {
      layers: this.operations,
      sequentialLike: graph ? isSequentialLike(graph) : true,
      graph,
    };
  }

  /** The lines of Keras's `model.summary()` (title, table, parameter totals). */
  summaryLines(options: SummaryOptions = {}): string[] {
    const plan = this.summaryPlan();
    const nodeSet = plan.sequentialLike ? undefined : plan.graph?.nodeSet;
    return formatSummary({
      modelName: this.name,
      rows: plan.layers.map((l) => summaryRow(l, nodeSet)),
      sequentialLike: plan.sequentialLike,
      ...weightTotals(this),
    }, options);
  }

  /**
   * Prints Keras 3's summary table, one line per `printFn` call.
   *
   * @example
   * ```ts ignore
   * const lines: string[] = [];
   * model.summary((line) => lines.push(line));
   * ```
   */
  summary(printFn: (line: string) => void = console.log, options: SummaryOptions = {}): void {
    for (const line of this.summaryLines(options)) printFn(line);
  }

  /** Keras 3's Functional config: `{name, trainable, layers, input_layers, output_layers}`. */
  override getConfig(): Record<string, unknown> {
    if (!this.#graph) throw new TypeError(`Model "${this.name}" has no graph to serialize`);
    return functionalConfig(
      this.name,
      this.trainable,
      this.#graph,
      this.#inputs,
      this.#inputStructure,
      this.#outputs,
      this.#outputStructure,
    );
  }

  /**
   * `{input_shape: null}`, as Keras writes for a Functional model.
   *
   * @ignore
   */
  override getBuildConfig(): Record<string, unknown> | undefined {
    return { input_shape: null };
  }

  /**
   * Keras's `serialize_keras_object(model)`: the object {@linkcode Model.toJSON} encodes.
   *
   * @ignore
   */
  override serialize(): SerializedLayer & { compile_config: Record<string, unknown> } {
    const cls = this.constructor as typeof Model;
    const build = this.getBuildConfig();
    return {
      module: cls.module,
      class_name: this.className,
      config: this.getConfig(),
      registered_name: cls.registeredName,
      ...(build ? { build_config: build } : {}),
      compile_config: {},
    };
  }

  /** Keras 3's `model.to_json()`: the JSON that `modelFromJSON` reads back. */
  toJSON(): string {
    return JSON.stringify(this.serialize());
  }
}
