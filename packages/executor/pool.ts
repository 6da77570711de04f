/**
 * {@linkcode WorkerPool}: batch inference spread over module workers that share one copy of
 * the weights, with results bit-identical to `model.predict`.
 *
 * @module
 */
import { checkOneOutput, type PredictInput, toInputTensors } from "@kerno/model";
import {
  addressesAvailable,
  type BlasRequest,
  type BlasStatus,
  blasStatus,
  deterministicArithmetic,
  type DType,
  Tensor,
  type TensorData,
  withBlas,
} from "@kerno/tensor";
import { takeFault } from "./_faults.ts";
import type { AddressRef, SharedRef } from "./_messages.ts";
import {
  pacesFirst,
  type RowRange,
  ShardCursor,
  splitRows,
  windowRows,
  WorkerPace,
} from "./_plan.ts";
import { FifoLock } from "./_queue.ts";
import { WorkerSlot } from "./_slot.ts";
import { CallOutput, rowsRef, Stager, stagingBytesPerRow, viewOf } from "./_staging.ts";
import { checkIntoSize, checkPoolInto } from "./_into.ts";
import { checkInputs } from "./_validate.ts";
import { type WorkerSource, workerSource } from "./_worker_source.ts";
import { loadSpecOf, ModelHandle, modelOf, refreshHandle } from "./model_handle.ts";
import { type SetupReport, setupUrls } from "./setup.ts";
import { classMismatch, unsuppliedLayers } from "./_supplies.ts";
import {
  type BatchInput,
  nestOutputs,
  type OutputStructure,
  type PoolModel,
  type PoolOptions,
  type PoolOutput,
  type PredictBatchesOptions,
  type PredictOptions,
} from "./types.ts";

const DEFAULT_STAGING = 64 * 1024 * 1024;
/** Rows of the first call when output shapes are not known in advance (Keras's batch). */
const PROBE_ROWS = 32;

/** The state of one running request. */
interface Run {
  stopped: boolean;
  stop(reason: unknown): void;
}

/**
 * Whether this thread can hand the workers output addresses (Linux, the FFI permission). libc is
 * opened here, when the module loads, and not inside a later call: a test that created a pool
 * would otherwise see a library it did not open as a leaked resource.
 */
const ADDRESSES = addressesAvailable();

/** Where a shard's outputs go: shared views, or addresses (`RunJob.outputSpans`). */
type ShardOutputs = { refs: SharedRef[]; spans?: undefined } | {
  spans: AddressRef[];
  refs?: undefined;
};

/**
 * The addressed outputs of the last failed calls, kept from the garbage collector: a worker
 * terminated during a call (by `close()`) may still be inside a copy into one for a moment, and
 * freed memory must not be written. A few calls' worth is plenty: a copy takes a millisecond.
 */
const failedOutputs: CallOutput[][] = [];

function keepFromCollector(outputs: CallOutput[]): void {
  failedOutputs.push(outputs);
  if (failedOutputs.length > 4) failedOutputs.shift();
}

/**
 * `into` for a stream's next batch `x` from the arrays of a batch the consumer is done with:
 * the first rows of each output's shared buffer, where the output's row shape is fixed and the
 * buffer is large enough; null (a new shared array) for the others.
 */
function recycledInto(
  done: Tensor[] | undefined,
  x: BatchInput,
  reusable: readonly boolean[],
): (TensorData | null)[] | undefined {
  const first = Array.isArray(x) ? x[0] : x;
  if (!(first instanceof Tensor) || first.rank === 0) return undefined;
  const rows = first.shape[0];
  return reusable.map((fixed, i) => {
    const t = done?.[i];
    if (!fixed || !t || !(t.data.buffer instanceof SharedArrayBuffer)) return null;
    const shape = [rows, ...t.shape.slice(1)];
    const n = shape.reduce((a, b) => a * b, 1);
    if (n * t.data.BYTES_PER_ELEMENT > t.data.buffer.byteLength) return null;
    return viewOf({ buffer: t.data.buffer, byteOffset: 0, dtype: t.dtype, shape });
  });
}

function rowShapeOf(shape: readonly (number | null)[]): number[] | null {
  const rest = shape.slice(1);
  return rest.every((d) => d !== null) ? (rest as number[]) : null;
}

/** How the model nests its flat outputs. */
function structureOf(modelOrHandle: PoolModel | ModelHandle): OutputStructure {
  return modelOrHandle instanceof ModelHandle
    ? modelOrHandle.structure
    : modelOrHandle.outputStructure();
}

/** The model's name for error messages. */
function nameOf(modelOrHandle: PoolModel | ModelHandle): string {
  return modelOrHandle.name ?? "model";
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Throws, naming the headers to send, where there is no shared memory (a page not isolated). */
function checkSharedMemory(): void {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (typeof SharedArrayBuffer === "undefined" || isolated === false) {
    throw new Error(
      "WorkerPool needs SharedArrayBuffer, which browsers give only to cross-origin isolated " +
        `pages (crossOriginIsolated is ${isolated}): serve the page with the headers ` +
        '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp"',
    );
  }
}

/**
 * A pool of module workers for batch inference. A model is sent once (its JSON config, and its
 * weights in one `SharedArrayBuffer` that every worker views); `predict` splits the batch into
 * contiguous row shards that the workers run straight from shared input memory into a shared
 * output buffer. Results are bit-identical to `model.predict(x)` for any worker count and shard
 * size, because a row's result does not depend on the other rows of its batch.
 *
 * - Requests run one at a time, in arrival order (FIFO).
 * - Memory: inputs already in shared memory are used in place; others are copied into staging
 *   buffers of at most `maxStagingBytes` (64 MiB by default), window by window. Each worker also
 *   holds one `batchSize` batch of activations. Outputs are allocated once and returned as they
 *   are: with the FFI permission, ordinary arrays that the workers write by address, freed as
 *   soon as the caller drops them; otherwise (or with `sharedOutputs`) in shared memory, which
 *   lives on until every worker has collected its garbage.
 * - Stateful models are pinned: all rows run on one worker (the model's home worker), which keeps
 *   each sample index's state between calls, as Keras does across `predict` calls. Reset it with
 *   {@linkcode WorkerPool.resetStates}. The state is lost (zeros) if that worker is replaced.
 * - A worker that throws, crashes or is terminated fails the request with an error naming the
 *   shard's rows and the cause, and is replaced; the next request runs normally.
 *
 * @example
 * ```ts ignore
 * import { WorkerPool } from "@kerno/executor";
 * await using pool = await WorkerPool.create({ workers: 2 });
 * const y = await pool.predict(model, x, {
 *   onProgress: ({ fraction }) => console.log(`${Math.round(fraction * 100)}%`),
 * });
 * ```
 */
export class WorkerPool implements AsyncDisposable {
  #source: WorkerSource;
  #slots: WorkerSlot[] = [];
  #live = 0;
  #closed: Error | null = null;
  #lock = new FifoLock();
  #byModel = new WeakMap<object, ModelHandle>();
  #handles = new Set<ModelHandle>();
  #current: Run | null = null;
  #jobIds = 0;
  #maxStaging: number;
  #sharedOutputs = false;
  /** The staging buffer of the last call, kept for the next one (at most `maxStagingBytes` plus alignment). */
  #spare: SharedArrayBuffer | null = null;
  /** The backend the workers' products run on, when `create` was given one. */
  #blasRequest: BlasRequest | undefined = undefined;
  #blasStatus: BlasStatus = { active: false, library: null, kernel: null, reason: null };
  /** The setup modules every worker imports before building models. */
  #setup: readonly string[];
  /** What the workers can build after their setup (`null` from a stand-in worker). */
  #supplies: SetupReport | null = null;

  private constructor(
    workers: number,
    source: WorkerSource,
    maxStaging: number,
    setup: readonly string[],
  ) {
    this.#source = source;
    this.#maxStaging = maxStaging;
    this.#setup = setup;
    for (let i = 0; i < workers; i++) this.#slots.push(this.#spawn(i));
  }

  /**
   * Starts `workers` module workers (default `navigator.hardwareConcurrency`) and resolves when
   * all are ready. A count above the core count is capped at it unless `oversubscribe` is set
   * (`pool.size` says how many started). Throws a `RangeError` for a worker count that is not a
   * positive integer, and an error naming the COOP/COEP headers on a page without
   * `SharedArrayBuffer` (not cross-origin isolated). A worker module that does not load rejects
   * with its URL and the reason; so does a setup module (`setup`) that does not import or
   * exports something else than Lambda bodies and layer factories.
   *
   * @example
   * ```ts ignore
   * // Lambda bodies and layer classes of your own, by name, in every worker:
   * await using pool = await WorkerPool.create({ setup: new URL("./my_layers.ts", import.meta.url) });
   * ```
   */
  static async create(options: PoolOptions = {}): Promise<WorkerPool> {
    const cores = navigator.hardwareConcurrency ?? 1;
    const requested = options.workers ?? cores;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new RangeError(`workers must be a positive integer, received ${requested}`);
    }
    const workers = options.oversubscribe ? requested : Math.min(requested, cores);
    const staging = options.maxStagingBytes ?? DEFAULT_STAGING;
    if (!(staging > 0)) {
      throw new RangeError(`maxStagingBytes must be positive, received ${staging}`);
    }
    const blas = options.blas;
    if (blas !== undefined && typeof blas !== "boolean" && typeof blas !== "string") {
      throw new TypeError(`blas must be true, false or a library path, received ${blas}`);
    }
    const shared = options.sharedOutputs ?? false;
    if (typeof shared !== "boolean") {
      throw new TypeError(`sharedOutputs must be true or false, received ${shared}`);
    }
    checkSharedMemory();
    const source = workerSource(options.workerUrl);
    const setup = setupUrls(options.setup);
    const pool = new WorkerPool(workers, source, staging, setup);
    pool.#sharedOutputs = shared;
    if (blas !== undefined) {
      // Vetted here once (its one line, if any); the workers then all run the same backend.
      pool.#blasStatus = withBlas(blas, blasStatus);
      pool.#blasRequest = pool.#blasStatus.active ? blas : false;
    }
    try {
      const reports = await Promise.all(pool.#slots.map((s) => s.ready));
      pool.#supplies = reports[0] ?? null;
    } catch (e) {
      // A worker that did not start is dead; one whose setup failed is alive.
      const started = pool.#slots.every((s) => s.alive);
      await pool.close();
      const hint = source.isDefault && !started
        ? " (after bundling, pass workerUrl: the URL of the bundled @kerno/kerno/worker entry)"
        : "";
      throw new Error(`WorkerPool could not start its workers: ${describe(e)}${hint}`, {
        cause: e,
      });
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * The native BLAS backend the workers run (`active`, library, kernel), or why not: set by
   * `create`'s `blas` option; inactive with `reason: null` when it was not asked for.
   */
  get blas(): BlasStatus {
    return this.#blasStatus;
  }

  /** Workers started and not yet terminated (0 after `close()`). */
  get liveWorkers(): number {
    return this.#live;
  }

  /** Requests waiting for their turn (not counting the running one). */
  get queued(): number {
    return this.#lock.waiting;
  }

  /**
   * Loads `model` into every worker and returns its handle (the same handle for the same model).
   * The weights are packed once into a `SharedArrayBuffer` and the model's own variables are
   * pointed at it, so a later `setWeights` on the model is seen by the workers. Rejects when a
   * worker cannot rebuild the model from its config: a Lambda layer whose body no setup module
   * supplies, a layer class the workers do not have, or a rebuilt copy whose layer classes differ
   * from the model's (a class of yours under a built-in Keras name); the error names the layers
   * and says how to supply them.
   */
  async load(model: PoolModel): Promise<ModelHandle> {
    this.#assertOpen();
    const release = await this.#lock.acquire();
    try {
      return await this.#handleFor(model);
    } finally {
      release();
    }
  }

  /** Unloads a model (or handle) from every worker. Unknown models are ignored. */
  async unload(modelOrHandle: PoolModel | ModelHandle): Promise<void> {
    this.#assertOpen();
    const handle = modelOrHandle instanceof ModelHandle
      ? modelOrHandle
      : this.#byModel.get(modelOrHandle);
    if (!handle || !this.#handles.has(handle)) return;
    const release = await this.#lock.acquire();
    try {
      this.#handles.delete(handle);
      this.#byModel.delete(modelOf(handle));
      const id = loadSpecOf(handle).id;
      await Promise.all(this.#slots.map((s) => s.unload(id).catch(() => {})));
    } finally {
      release();
    }
  }

  /** Sets the state of a stateful model back to zeros (in its home worker). */
  async resetStates(modelOrHandle: PoolModel | ModelHandle): Promise<void> {
    this.#assertOpen();
    const release = await this.#lock.acquire();
    try {
      const handle = await this.#handleFor(modelOrHandle);
      if (!handle.stateful) return;
      this.#replaceDead();
      await this.#slots[this.#home(handle)].resetStates(loadSpecOf(handle));
    } finally {
      release();
    }
  }

  /**
   * Runs the model on `x` like `model.predict(x)` and resolves with the same nested structure,
   * bit for bit, typed as the model's `predict` is (see {@linkcode PoolOutput}). Inputs are
   * checked (count, dtype, rank, shape) before any worker starts.
   *
   * @example
   * ```ts ignore
   * const model = new Model({ inputs, outputs: [seq, h, c] });
   * const [ys, hs, cs] = await pool.predict(model, x, { batchSize: 64 }); // Tensor[]
   * ```
   */
  async predict<M extends PoolModel | ModelHandle>(
    modelOrHandle: M,
    x: PredictInput,
    options: PredictOptions = {},
  ): Promise<PoolOutput<M>> {
    const flat = await this.predictFlat(modelOrHandle, x, options);
    return nestOutputs(flat, structureOf(modelOrHandle)) as PoolOutput<M>;
  }

  /**
   * {@linkcode WorkerPool.predict} for a model with one output, typed `Tensor` whatever the
   * model's type says (a loaded model, a `ModelHandle`). A model with several outputs is refused
   * before any worker starts, with an error that names their count and shapes.
   *
   * @example
   * ```ts ignore
   * const model = await loadModel("model.keras");
   * const y = await pool.predictOne(model, x); // Tensor
   * ```
   */
  async predictOne(
    modelOrHandle: PoolModel | ModelHandle,
    x: PredictInput,
    options: PredictOptions = {},
  ): Promise<Tensor> {
    this.#assertOpen();
    checkOneOutput(nameOf(modelOrHandle), modelOrHandle.outputs, "pool.predictOne()");
    return (await this.predictFlat(modelOrHandle, x, options))[0];
  }

  /**
   * Like {@linkcode WorkerPool.predict}, but resolves with every output in one flat list (in the
   * model's `outputs` order), typed `Tensor[]` for any model.
   *
   * @example
   * ```ts ignore
   * const [seq, h, c] = await pool.predictFlat(model, x); // Tensor[]
   * ```
   */
  predictFlat(
    modelOrHandle: PoolModel | ModelHandle,
    x: PredictInput,
    options: PredictOptions = {},
  ): Promise<Tensor[]> {
    return this.#predictFlat(modelOrHandle, x, options, false);
  }

  /** {@linkcode WorkerPool.predictFlat}; `sharedOutputs` puts new outputs in shared memory. */
  async #predictFlat(
    modelOrHandle: PoolModel | ModelHandle,
    x: PredictInput,
    options: PredictOptions,
    sharedOutputs: boolean,
  ): Promise<Tensor[]> {
    this.#assertOpen();
    const { signal } = options;
    const model = modelOrHandle instanceof ModelHandle ? modelOrHandle : null;
    if (model && !this.#handles.has(model)) {
      throw new RangeError(
        `Model "${model.name}" is not loaded in this pool (unloaded or foreign)`,
      );
    }
    const specs = modelOrHandle.inputs;
    const name = nameOf(modelOrHandle);
    const { inputs, rows } = checkInputs(name, specs, toInputTensors(name, specs, x));
    const into = checkPoolInto(name, modelOrHandle.outputs, inputs, options.into);
    if (
      options.batchSize !== undefined &&
      !(Number.isInteger(options.batchSize) && options.batchSize > 0)
    ) {
      throw new RangeError(`batchSize must be a positive integer, received ${options.batchSize}`);
    }
    const blas = options.blas;
    if (blas !== undefined && typeof blas !== "boolean" && typeof blas !== "string") {
      throw new TypeError(`blas must be true, false or a library path, received ${blas}`);
    }
    const deterministic = options.deterministic;
    if (deterministic !== undefined && typeof deterministic !== "boolean") {
      throw new TypeError(`deterministic must be true or false, received ${deterministic}`);
    }
    new ShardCursor(0, rows, this.size, options.shardRows); // checks shardRows
    signal?.throwIfAborted();
    options = {
      ...options,
      deterministic: deterministic ?? deterministicArithmetic(),
      into: into ?? undefined,
    };

    const release = await this.#lock.acquire(signal);
    let rejectNow!: (e: unknown) => void;
    const stopped = new Promise<never>((_, reject) => (rejectNow = reject));
    stopped.catch(() => {});
    const run: Run = {
      stopped: false,
      stop(reason) {
        if (run.stopped) return;
        run.stopped = true;
        rejectNow(reason);
      },
    };
    const onAbort = () => run.stop(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#current = run;
    const work = (async () => {
      if (signal?.aborted) throw signal.reason;
      for (const slot of this.#slots) slot.wake();
      const handle = await this.#handleFor(modelOrHandle);
      return await this.#execute(handle, inputs, rows, options, run, sharedOutputs);
    })();
    const done = () => {
      signal?.removeEventListener("abort", onAbort);
      if (this.#current === run) this.#current = null;
      release();
    };
    work.then(done, done);
    return await Promise.race([work, stopped]);
  }

  /**
   * Streams batches through the pool with bounded memory: takes `source` (an iterable or async
   * iterable of batches, each a tensor or one tensor per input) and yields each batch's outputs
   * in order, nested as {@linkcode WorkerPool.predict} nests them. At most `inFlight` batches
   * (default 2) are taken and not yet yielded: the next batch is read while the pool runs the
   * current one, and a consumer that stops pulling stops the reading (back-pressure). The
   * outputs, concatenated, are bit-identical to one `predict` over the concatenated batches
   * (for a stateful model, when every batch but the last is a whole number of `batchSize` rows,
   * since its state is carried from batch to batch as over one call).
   *
   * The first failing batch ends the stream with its error; breaking out of the loop, an
   * error or `signal` cancel the batches still queued and close the source.
   *
   * @example
   * ```ts ignore
   * async function* windows() {
   *   for (let start = 0; start < rows; start += 4096) yield await readRows(start, start + 4096);
   * }
   * for await (const [y] of pool.predictBatchesFlat(model, windows(), { inFlight: 2 })) {
   *   await append(y); // the first output of each batch
   * }
   * ```
   */
  async *predictBatches<M extends PoolModel | ModelHandle>(
    modelOrHandle: M,
    source: Iterable<BatchInput> | AsyncIterable<BatchInput>,
    options: PredictBatchesOptions = {},
  ): AsyncGenerator<PoolOutput<M>, void, undefined> {
    const structure = structureOf(modelOrHandle);
    for await (const flat of this.predictBatchesFlat(modelOrHandle, source, options)) {
      yield nestOutputs(flat, structure) as PoolOutput<M>;
    }
  }

  /** Like {@linkcode WorkerPool.predictBatches}, but yields each batch's flat list of outputs. */
  async *predictBatchesFlat(
    modelOrHandle: PoolModel | ModelHandle,
    source: Iterable<BatchInput> | AsyncIterable<BatchInput>,
    options: PredictBatchesOptions = {},
  ): AsyncGenerator<Tensor[], void, undefined> {
    this.#assertOpen();
    const inFlight = options.inFlight ?? 2;
    if (!Number.isInteger(inFlight) || inFlight < 1) {
      throw new RangeError(`inFlight must be a positive integer, received ${inFlight}`);
    }
    const { signal, onProgress, inFlight: _, reuseOutputs, ...predictOptions } = options;
    if ((options as PredictOptions).into !== undefined) {
      throw new TypeError(
        "predictBatches takes no `into` option (each batch has rows of its own); " +
          "reuseOutputs: true has the stream reuse its output memory",
      );
    }
    if (reuseOutputs !== undefined && typeof reuseOutputs !== "boolean") {
      throw new TypeError(`reuseOutputs must be true or false, received ${reuseOutputs}`);
    }
    // Per output: whether its row shape is fixed, so that one batch's array can take another's.
    const reusable = reuseOutputs
      ? modelOrHandle.outputs.map((o) => o.shape.slice(1).every((d) => d !== null))
      : null;
    const spare: Tensor[][] = [];
    signal?.throwIfAborted();
    const stop = new AbortController();
    const onAbort = () => stop.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const iterator = Symbol.asyncIterator in source
      ? source[Symbol.asyncIterator]()
      : source[Symbol.iterator]();
    const pending: Promise<Tensor[]>[] = [];
    let rowsDone = 0;
    let batchesDone = 0;
    const start = (x: BatchInput): Promise<Tensor[]> => {
      let seen = 0;
      const into = reusable ? recycledInto(spare.shift(), x, reusable) : undefined;
      const batch = this.#predictFlat(modelOrHandle, x, {
        ...predictOptions,
        into,
        signal: stop.signal,
        onProgress: (p) => {
          rowsDone += p.rowsDone - seen;
          seen = p.rowsDone;
          onProgress?.({ rowsDone, batchesDone });
        },
      }, reusable !== null).then((ys) => {
        batchesDone++;
        return ys;
      });
      batch.catch(() => {}); // awaited in its turn; not an unhandled rejection meanwhile
      return batch;
    };
    let exhausted = false;
    try {
      for (;;) {
        while (!exhausted && pending.length < inFlight) {
          const next = await iterator.next();
          if (next.done) exhausted = true;
          else pending.push(start(next.value));
        }
        const head = pending.shift();
        if (!head) return;
        const ys = await head;
        yield ys;
        // The consumer asked for the next batch: it is done with these arrays.
        if (reusable) spare.push(ys);
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (pending.length > 0) {
        stop.abort(new Error("predictBatches ended before these batches ran"));
        await Promise.allSettled(pending);
      }
      if (!exhausted) await iterator.return?.();
    }
  }

  /** Terminates every worker; pending and queued requests reject. Safe to call twice. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = new Error("WorkerPool is closed");
      this.#spare = null;
      this.#lock.close(this.#closed);
      this.#current?.stop(this.#closed);
      for (const s of this.#slots) s.terminate(this.#closed);
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode WorkerPool.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw this.#closed;
  }

  #spawn(index: number): WorkerSlot {
    this.#live++;
    return new WorkerSlot(index, this.#source, this.#setup, () => this.#live--);
  }

  #replaceDead(): void {
    if (this.#closed) return;
    this.#slots = this.#slots.map((s, i) => (s.alive ? s : this.#spawn(i)));
  }

  #home(handle: ModelHandle): number {
    return loadSpecOf(handle).id % this.size;
  }

  async #handleFor(modelOrHandle: PoolModel | ModelHandle): Promise<ModelHandle> {
    let handle = modelOrHandle instanceof ModelHandle
      ? modelOrHandle
      : this.#byModel.get(modelOrHandle);
    if (handle && !this.#handles.has(handle)) {
      throw new RangeError(
        `Model "${handle.name}" is not loaded in this pool (unloaded or foreign)`,
      );
    }
    const fresh = !handle;
    if (!handle) {
      handle = new ModelHandle(modelOrHandle as PoolModel);
      const refusal = this.#supplies &&
        unsuppliedLayers(modelOf(handle), loadSpecOf(handle).json, this.#supplies);
      if (refusal) throw new TypeError(refusal);
    } else {
      const dropped = refreshHandle(handle);
      if (dropped !== null) {
        await Promise.all(this.#slots.map((s) => s.unload(dropped).catch(() => {})));
      }
    }
    this.#replaceDead();
    const spec = loadSpecOf(handle);
    const targets = handle.stateful ? [this.#slots[this.#home(handle)]] : this.#slots;
    const built = await Promise.all(targets.map((s) =>
      s.ensureLoaded(spec).catch((e) => {
        throw new Error(`Worker ${s.index} could not load model "${handle.name}": ${describe(e)}`, {
          cause: e,
        });
      })
    ));
    const mismatch = fresh && classMismatch(modelOf(handle), built[0]);
    if (mismatch) {
      await Promise.all(targets.map((s) => s.unload(spec.id).catch(() => {})));
      throw new TypeError(mismatch);
    }
    this.#handles.add(handle);
    this.#byModel.set(modelOf(handle), handle);
    return handle;
  }

  async #execute(
    handle: ModelHandle,
    inputs: Tensor[],
    rows: number,
    options: PredictOptions,
    run: Run,
    sharedOutputs: boolean,
  ): Promise<Tensor[]> {
    const blas = Boolean(options.blas ?? this.#blasRequest ?? modelOf(handle).blas);
    const slots = handle.stateful ? [this.#home(handle)] : this.#slots.map((_, i) => i);
    const into = options.into ?? null; // checked by checkPoolInto
    // With the FFI permission the workers write the outputs by address: see CallOutput. Arrays
    // given in `into` are shared, and a shard's job names all its outputs one way.
    const byAddress = into === null && !sharedOutputs && !this.#sharedOutputs && ADDRESSES &&
      slots.every((i) => this.#slots[i].writesAddresses);
    const newOutputs = (specs: readonly { dtype: DType; shape: readonly number[] }[]) => {
      specs.forEach((o, i) => {
        const dest = into?.[i];
        if (dest) checkIntoSize(handle.name, i, dest, rows, o.shape);
      });
      const addressed = byAddress
        ? specs.map((o) => CallOutput.addressed(o.dtype, rows, o.shape))
        : [];
      return byAddress && addressed.every((o) => o !== null)
        ? addressed as CallOutput[]
        : specs.map((o, i) => {
          const dest = into?.[i];
          return dest
            ? CallOutput.into(dest, rows, o.shape)
            : CallOutput.shared(o.dtype, rows, o.shape, blas);
        });
    };
    const known = handle.outputs.map((o) => handle.outputShapesHold ? rowShapeOf(o.shape) : null);
    let outputs: CallOutput[] | null = known.every((s) => s !== null)
      ? newOutputs(handle.outputs.map((o, i) => ({ dtype: o.dtype, shape: known[i]! })))
      : null;
    const perWindow = handle.stateful
      ? Math.max(rows, 1)
      : windowRows(rows, stagingBytesPerRow(inputs), this.#maxStaging);
    // Calls run one at a time and end only once no worker reads their inputs any more, so the
    // staging buffer of the last call can be reused (its pages are already mapped). A stateful
    // call stages all its rows at once: a buffer over the bound (plus alignment) is not kept.
    const stager = new Stager(inputs, Math.min(perWindow, rows), this.#spare);
    const used = stager.buffer;
    if (used && used.byteLength <= this.#maxStaging + 64 * inputs.length) this.#spare = used;
    let rowsDone = 0;
    const progress = (n: number) => {
      rowsDone += n;
      options.onProgress?.({ rowsDone, rowsTotal: rows, fraction: rows ? rowsDone / rows : 1 });
    };
    try {
      for (const window of splitRows(0, rows, perWindow)) {
        if (run.stopped) break;
        const staged = stager.open(window);
        const refsIn = (r: RowRange) => {
          stager.fill(r);
          return staged.map((s) => rowsRef(s, r));
        };
        let start = window.start;
        if (!outputs) {
          // Output shapes depend on the input (e.g. unknown timesteps): run one model batch first
          // and size the outputs from what it returns.
          const probeRows = handle.stateful ? rows : (options.batchSize ?? PROBE_ROWS);
          const first = { start, end: Math.min(window.end, start + probeRows) };
          const reply = await this.#runShard(
            slots[0],
            handle,
            first,
            refsIn(first),
            null,
            options,
            run,
            rows,
          );
          outputs = newOutputs(
            reply.results!.map((r) => ({ dtype: r.dtype, shape: r.shape.slice(1) })),
          );
          reply.results!.forEach((r, i) => outputs![i].write(first, r.data));
          progress(first.end - first.start);
          start = first.end;
          if (start === window.end) continue;
        }
        const cursor = handle.stateful
          ? new ShardCursor(start, window.end, 1, window.end - start)
          : new ShardCursor(
            start,
            window.end,
            slots.length,
            options.shardRows,
            options.batchSize,
            pacesFirst(window.end - start, slots.length, blas),
          );
        const outs = outputs;
        const pace = new WorkerPace(slots.length);
        const loop = async (slot: number, at: number) => {
          for (
            let shard = cursor.take(pace.of(at));
            shard && !run.stopped;
            shard = cursor.take(pace.of(at))
          ) {
            const into: ShardOutputs = outs[0]?.addressed
              ? { spans: outs.map((o) => o.span(shard!)) }
              : { refs: outs.map((o) => o.ref(shard!)) };
            pace.start(at, shard.end - shard.start);
            await this.#runShard(slot, handle, shard, refsIn(shard), into, options, run, rows);
            pace.finish(at);
            if (!run.stopped) progress(shard.end - shard.start);
          }
        };
        const settled = await Promise.allSettled(slots.map(loop));
        const failed = settled.find((s) => s.status === "rejected");
        if (failed) throw (failed as PromiseRejectedResult).reason;
      }
    } catch (e) {
      if (outputs?.some((o) => o.addressed)) keepFromCollector(outputs);
      throw e;
    }
    if (run.stopped) throw new Error("predict was stopped");
    return outputs!.map((o) => o.tensor);
  }

  async #runShard(
    index: number,
    handle: ModelHandle,
    shard: RowRange,
    inputs: SharedRef[],
    outputs: ShardOutputs | null,
    options: PredictOptions,
    run: Run,
    rows: number,
  ) {
    const slot = this.#slots[index];
    try {
      const spec = loadSpecOf(handle);
      if (!slot.hasLoaded(spec.id)) await slot.ensureLoaded(spec);
      const fault = takeFault(this, index);
      const reply = slot.run({
        kerno: "run",
        jobId: ++this.#jobIds,
        handle: loadSpecOf(handle).id,
        inputs,
        outputs: outputs?.refs ?? null,
        outputSpans: outputs?.spans,
        batchSize: options.batchSize,
        blas: options.blas ?? this.#blasRequest ?? modelOf(handle).blas,
        foldBatchNorm: options.foldBatchNorm ?? modelOf(handle).foldBatchNorm,
        deterministic: options.deterministic,
        split: !handle.stateful && outputs !== null,
        fault: fault === "terminate" ? undefined : fault,
      });
      if (fault === "terminate") slot.terminate(new Error("the worker was terminated (test hook)"));
      return await reply;
    } catch (cause) {
      const err = new Error(
        `Shard of rows ${shard.start}..${shard.end - 1} (of ${rows}) failed on worker ${index}: ` +
          describe(cause),
        { cause },
      );
      if (!this.#closed) {
        slot.terminate(err);
        this.#replaceDead();
      }
      run.stop(this.#closed ?? err);
      throw err;
    }
  }
}
