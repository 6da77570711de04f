/**
 * The public types of `@kerno/executor`: what the pool needs of a model, and the options of
 * {@linkcode WorkerPool.create} and {@linkcode WorkerPool.predict}.
 *
 * @module
 */
import type { Nested as NestedSymbolic, PredictOutput, SymbolicTensor } from "@kerno/model";
import type { BlasRequest, DType, Tensor, TensorData } from "@kerno/tensor";
import type { SetupSource } from "./setup.ts";

/** How a model nests its flat outputs: an index into them, or a list of structures. */
export type OutputStructure = number | OutputStructure[];

/** A nested structure of tensors following an {@linkcode OutputStructure}. */
export type Nested<T> = T | Nested<T>[];

/** Picks the structure's entries out of a flat list (what `predict` returns). */
export function nestOutputs<T>(flat: readonly T[], structure: OutputStructure): Nested<T> {
  return typeof structure === "number"
    ? flat[structure]
    : structure.map((s) => nestOutputs(flat, s));
}

/**
 * What {@linkcode WorkerPool.predict} resolves with for a model of type `M`: what the model's own
 * `predict` returns. For `@kerno/model`'s `Model`, that follows the type of its `output` (a
 * `Tensor` for `new Model({ inputs, outputs: y })`, a `Tensor[]` for `outputs: [a, b]`); for a
 * loaded model, a `Sequential`, a `ModelHandle` or another `PoolModel` it is `Nested<Tensor>`:
 * take {@linkcode WorkerPool.predictOne} or {@linkcode WorkerPool.predictFlat} instead of a cast.
 *
 * @example
 * ```ts ignore
 * const model = new Model({ inputs, outputs: [seq, h, c] });
 * const [ys, hs, cs] = await pool.predict(model, x); // PoolOutput<typeof model> is Tensor[]
 * ```
 */
export type PoolOutput<M> = M extends
  { readonly output: infer O extends NestedSymbolic<SymbolicTensor> } ? PredictOutput<O>
  : Nested<Tensor>;

/** A model input or output as the pool sees it (a `SymbolicTensor` of `@kerno/model`). */
export interface PoolTensorSpec {
  /** Shape, batch first, `null` where unknown. */
  readonly shape: readonly (number | null)[];
  /** Element type. */
  readonly dtype: DType;
  /** Tensor name (`keras_tensor_3`). */
  readonly name?: string;
  /** The producing node, whose layer name identifies an input (`input_layer`). */
  readonly node?: { readonly layer: { readonly name: string } };
}

/**
 * What the pool needs of a model. `@kerno/model`'s `Model` and `Sequential` fit it.
 *
 * @example
 * ```ts ignore
 * import { modelFromJSON } from "@kerno/model";
 * const model: PoolModel = modelFromJSON(configJson);
 * ```
 */
export interface PoolModel {
  /** Model name, used in error messages. */
  readonly name?: string;
  /** The Keras JSON config (a string, or an object to stringify). */
  toJSON(): unknown;
  /** Variables in Keras order (`get_weights()` order); the pool replaces their `value`. */
  readonly weights: readonly { value: Tensor }[];
  /** The model's inputs, in order. */
  readonly inputs: readonly PoolTensorSpec[];
  /** The model's flat outputs, in order. */
  readonly outputs: readonly PoolTensorSpec[];
  /** How `predict` nests the flat outputs. */
  outputStructure(): OutputStructure;
  /** Layers; any with `stateful: true` (also inside wrappers) makes the model stateful. */
  readonly layers: readonly unknown[];
  /** The model's own product backend (`Model.blas`), used when neither the pool nor the call sets one. */
  readonly blas?: BlasRequest;
  /**
   * Whether the model folds its BatchNormalization layers (`Model.foldBatchNorm`, default true);
   * the workers fold as the model does, so results stay bit-identical to `predict`.
   */
  readonly foldBatchNorm?: boolean;
}

/** Options of {@linkcode WorkerPool.create}. */
export interface PoolOptions {
  /**
   * Number of workers; default `navigator.hardwareConcurrency`. More than the machine's cores
   * only slows a run down, so a larger count is capped at the core count (read `pool.size`)
   * unless `oversubscribe` is set.
   */
  workers?: number;
  /** Starts `workers` workers even when that is more than the machine's cores (default false). */
  oversubscribe?: boolean;
  /**
   * Upper bound, in bytes, of the shared staging buffers for inputs that are not already in
   * shared memory (default 64 MiB). Larger inputs are staged and run window by window.
   */
  maxStagingBytes?: number;
  /**
   * Where the worker module lives: the URL of `@kerno/kerno/worker` (or `@kerno/executor/worker`)
   * as built for this page. By default it is `./worker.ts` beside `@kerno/executor`, started as
   * `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`, the form Vite,
   * webpack 5 and Parcel recognize and bundle themselves, and that Deno runs as it is. With
   * `deno bundle` or esbuild, bundle the worker as a second entry point (`deno task build:browser`
   * does) and pass its URL here.
   *
   * @example
   * ```ts ignore
   * const pool = await WorkerPool.create({ workerUrl: new URL("./worker.js", import.meta.url) });
   * ```
   */
  workerUrl?: string | URL;
  /**
   * Setup modules every worker imports before it builds a model (a URL, or a file path in Deno;
   * or a list of them): workers rebuild each model from its Keras config and cannot receive
   * functions, so a model with Lambda layers or layer classes of your own needs them here. A
   * module exports `lambdas` (Lambda bodies by layer name, as `loadModel` takes them) and
   * `customObjects` (layer factories by Keras class name), or registers classes with
   * `registerLayer` when imported. See {@linkcode PoolSetup}.
   *
   * @example
   * ```ts ignore
   * const setup = new URL("./my_layers.ts", import.meta.url);
   * const model = await loadModel("model.keras", await importSetup(setup)); // same functions here
   * await using pool = await WorkerPool.create({ setup });
   * ```
   */
  setup?: SetupSource;
  /**
   * Run the workers' matrix products on a native BLAS, one BLAS thread per worker: `true` finds
   * a library, a string is its path, `false` keeps the WebAssembly core. Needs `--allow-ffi`.
   * Checked once at creation: when it cannot run, one line says why and every worker uses the
   * WebAssembly core ({@linkcode WorkerPool.blas} tells which). Results stay bit-identical to
   * `model.predict` with the same backend, for any worker count and shard size.
   */
  blas?: BlasRequest;
  /**
   * Return outputs in `SharedArrayBuffer`s even where the workers could write ordinary arrays
   * (default false). With the FFI permission (Linux) the workers write each output by address
   * into an ordinary `ArrayBuffer` that none of them holds, so it is freed as soon as you drop
   * it; a shared output is freed only once every worker has collected its garbage, which can
   * take many calls (W3's 26 MB output per call grew a process to 1 GB). Ask for shared outputs
   * to hand them to workers of your own without a copy. Without the FFI permission, outputs are
   * always shared.
   */
  sharedOutputs?: boolean;
}

/** Progress of one {@linkcode WorkerPool.predict} call, reported after each finished shard. */
export interface PredictProgress {
  /** Rows finished so far. */
  readonly rowsDone: number;
  /** Rows in the request. */
  readonly rowsTotal: number;
  /** `rowsDone / rowsTotal`. */
  readonly fraction: number;
}

/** Options of {@linkcode WorkerPool.predict}. */
export interface PredictOptions {
  /**
   * Rows per model call inside a worker, passed on to the model's `predictFlat` (default: the
   * model's, 32 as in Keras). Results do not depend on it, except for stateful models, where it
   * is the batch the state is carried across, as in Keras.
   */
  batchSize?: number;
  /** Cancels the call: it rejects at once with the signal's reason; running shards are discarded. */
  signal?: AbortSignal;
  /** Called after each finished shard. */
  onProgress?: (progress: PredictProgress) => void;
  /**
   * Rows per shard, the unit of work a worker takes and of progress. By default shards are
   * guided: whole batches, large at first and then shrinking; once less than a batch per worker
   * is left (a call of one batch from the start), each worker's first shard is 3/4 of an even
   * share and the rest are sized from each worker's measured pace, so that workers finish
   * together, even on cores of unequal speed. Results are bit-identical for any value.
   */
  shardRows?: number;
  /** This call's product backend (see {@linkcode PoolOptions.blas}); default: the pool's. */
  blas?: BlasRequest;
  /**
   * Fold BatchNormalization layers for this call (as `model.predict`'s option); default: the
   * model's `foldBatchNorm`.
   */
  foldBatchNorm?: boolean;
  /**
   * Run this call in deterministic arithmetic (every product and sum rounded separately, the
   * same bits on every CPU) or not; default: the calling thread's setting
   * (`deterministicArithmetic()` of `@kerno/tensor`), so that results equal `model.predict`'s.
   */
  deterministic?: boolean;
  /**
   * Arrays to receive the flat outputs (one per output, `null` for a new one), as
   * `model.predict`'s `into`: each a view of a `SharedArrayBuffer`, which the workers write in
   * place, of the output's element type and exact size (the batch's rows times the output's
   * row size). The returned tensors view them. Reusing the same arrays across calls saves
   * allocating fresh output memory at every call: its first touch, and the garbage collections
   * that a large fresh output sets off while the workers need the cores. They must not overlap
   * the inputs or each other; a call that fails may leave some of its rows in them.
   *
   * @example
   * ```ts ignore
   * const y = new Float32Array(new SharedArrayBuffer(rows * 100 * 128 * 4));
   * for (const x of batches) await pool.predictFlat(model, x, { into: [y] }); // same memory
   * ```
   */
  into?: readonly (TensorData | null)[];
}

/** One batch of {@linkcode WorkerPool.predictBatches}'s source: the tensor, or one per input. */
export type BatchInput = Tensor | readonly Tensor[];

/** Progress of a {@linkcode WorkerPool.predictBatches} stream, reported after each shard. */
export interface StreamProgress {
  /** Rows finished so far, over every batch of the stream. */
  readonly rowsDone: number;
  /** Batches whose outputs are complete. */
  readonly batchesDone: number;
}

/** Options of {@linkcode WorkerPool.predictBatches}. */
export interface PredictBatchesOptions extends Omit<PredictOptions, "onProgress" | "into"> {
  /**
   * Batches taken from the source and not yet handed out as outputs (default 2): the next
   * batch is read while the pool works on the current one, and the source is not asked for
   * batch `k` before the outputs of batch `k - inFlight` have been yielded, so a source may
   * reuse that batch's memory.
   */
  inFlight?: number;
  /** Called after each finished shard. */
  onProgress?: (progress: StreamProgress) => void;
  /**
   * Yield the outputs in shared arrays that the stream reuses (default false): batch `k`'s
   * arrays are written again by batch `k + inFlight`, which starts only once you have asked for
   * batch `k + 1`, so `inFlight` sets of outputs serve the whole stream. For a
   * consumer that is done with each batch when it asks for the next (one that writes it to a
   * file, as `kerno predict` does); copy what you keep. Outputs whose row shape the model leaves
   * open (an unknown number of timesteps) are not reused.
   */
  reuseOutputs?: boolean;
}
