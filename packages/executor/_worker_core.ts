/**
 * The inside of a pool worker: keeps the loaded models, rebuilds each over views of its shared
 * weight buffer, runs row jobs straight from shared input views into shared output views, and
 * reports each job with one small message. The worker entry (`worker.ts`) passes the model
 * factory; tests pass a stand-in.
 *
 * @module
 */
import {
  addressesAvailable,
  type BlasRequest,
  type DType,
  prefaultAddress,
  Tensor,
  type TensorData,
  viewAtAddress,
  withDeterministicArithmetic,
} from "@kerno/tensor";
import { type ControlApi, type ControlEndpoint, exposeControl } from "./_control.ts";
import { layerClasses } from "./_layer_tree.ts";
import type { SetupReport } from "./setup.ts";
import {
  type AddressRef,
  type BuildOptions,
  bytesPerElement,
  type ReturnedTensor,
  type RunJob,
  type SharedRef,
  type WeightSlot,
  type WorkerMessage,
} from "./_messages.ts";

/** Rows per model call when the request gives no `batchSize` (Keras's default). */
const DEFAULT_BATCH = 32;

/** What a worker needs of a model. `@kerno/model`'s `Model` has it. */
export interface WorkerModel {
  /** Variables in Keras order; their `value` is replaced by views of shared memory. */
  readonly weights: readonly { value: Tensor }[];
  /** Runs the model on concrete inputs; returns the flat outputs. */
  predictFlat(
    inputs: Tensor[],
    options: {
      batchSize?: number;
      blas?: BlasRequest;
      into?: readonly (TensorData | null)[];
      foldBatchNorm?: boolean;
    },
  ): Tensor[];
  /** Layers, searched for `resetStates()` by {@linkcode ControlApi.resetStates}. */
  readonly layers?: readonly unknown[];
}

/** Builds a model from its Keras JSON config. */
export type ModelFactory = (
  json: string,
  options: BuildOptions,
) => WorkerModel | Promise<WorkerModel>;

/** Imports setup modules before any model is built; reports what the worker can build. */
export type SetupHook = (urls: readonly string[]) => Promise<SetupReport>;

interface WorkerScope extends ControlEndpoint {
  close(): void;
}

function view(ref: SharedRef): Tensor {
  let size = 1;
  for (const d of ref.shape) size *= d;
  const data: TensorData = ref.dtype === "float32"
    ? new Float32Array(ref.buffer, ref.byteOffset, size)
    : ref.dtype === "int32"
    ? new Int32Array(ref.buffer, ref.byteOffset, size)
    : new Uint8Array(ref.buffer, ref.byteOffset, size);
  return new Tensor(data, ref.shape);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function attachWeights(
  model: WorkerModel,
  buffer: SharedArrayBuffer,
  layout: readonly WeightSlot[],
) {
  const vars = model.weights;
  if (vars.length !== layout.length) {
    throw new RangeError(
      `The rebuilt model has ${vars.length} weights, but ${layout.length} were sent`,
    );
  }
  vars.forEach((v, i) => {
    const { shape, byteOffset } = layout[i];
    if (!sameShape(v.value.shape, shape)) {
      throw new RangeError(
        `Weight ${i} of the rebuilt model has shape [${v.value.shape.join(", ")}], ` +
          `but the shared weight has shape [${shape.join(", ")}]`,
      );
    }
    v.value = view({ buffer, byteOffset, dtype: "float32", shape });
  });
}

function resetAll(layers: readonly unknown[]): void {
  for (const layer of layers) {
    const l = layer as {
      resetStates?: () => void;
      layers?: readonly unknown[];
      children?: () => [string, unknown][];
    };
    if (typeof l.resetStates === "function") l.resetStates();
    else if (Array.isArray(l.layers)) resetAll(l.layers);
    else if (typeof l.children === "function") {
      resetAll(l.children().flatMap(([, c]) => (Array.isArray(c) ? c : [c])));
    }
  }
}

function copyOut(y: Tensor, ref: SharedRef, index: number): void {
  if (y.dtype !== ref.dtype || !sameShape(y.shape, ref.shape)) {
    throw new TypeError(
      `Output ${index} has ${y.dtype} shape [${y.shape.join(", ")}], expected ${ref.dtype} ` +
        `shape [${ref.shape.join(", ")}]`,
    );
  }
  // The model wrote it in place (it was asked to): nothing to copy.
  if (y.data.buffer === ref.buffer && y.data.byteOffset === ref.byteOffset) return;
  view(ref).data.set(y.data);
}

function copyAll(ys: readonly Tensor[], refs: readonly SharedRef[]): void {
  if (ys.length !== refs.length) {
    throw new RangeError(`The model returned ${ys.length} outputs, expected ${refs.length}`);
  }
  ys.forEach((y, i) => copyOut(y, refs[i], i));
}

function subRows(ref: SharedRef, a: number, b: number): SharedRef {
  let perRow = bytesPerElement(ref.dtype);
  for (let i = 1; i < ref.shape.length; i++) perRow *= ref.shape[i];
  return { ...ref, byteOffset: ref.byteOffset + a * perRow, shape: [b - a, ...ref.shape.slice(1)] };
}

function returned(y: Tensor): ReturnedTensor {
  const data = y.data.slice();
  return { dtype: y.dtype as DType, shape: [...y.shape], data: data.buffer as ArrayBuffer };
}

function elementsOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Runs `job`'s rows batch by batch straight into the calling thread's outputs at their
 * addresses: each batch's `into` views its rows there ({@linkcode viewAtAddress}), so the model
 * writes the results in place, with no copy of its own. The views are dropped with the job,
 * while the pool still holds the outputs.
 */
function runIntoAddresses(model: WorkerModel, job: RunJob, spans: readonly AddressRef[]): void {
  const rows = job.inputs[0]?.shape[0] ?? 0;
  const step = job.split ? job.batchSize ?? DEFAULT_BATCH : Math.max(rows, 1);
  // A fresh output's pages, mapped in one call each rather than a fault each at the writes.
  for (const s of spans) {
    prefaultAddress(s.address, rows * elementsOf(s.shape.slice(1)) * bytesPerElement(s.dtype));
  }
  for (let a = 0; a < rows; a += step) {
    const b = Math.min(rows, a + step);
    const into = spans.map((s) => {
      const perRow = elementsOf(s.shape.slice(1));
      return viewAtAddress(
        s.address + a * perRow * bytesPerElement(s.dtype),
        s.dtype,
        (b - a) * perRow,
      );
    });
    const ys = model.predictFlat(job.inputs.map((r) => view(subRows(r, a, b))), {
      batchSize: job.batchSize,
      blas: job.blas,
      into,
      foldBatchNorm: job.foldBatchNorm,
    });
    if (ys.length !== spans.length) {
      throw new RangeError(`The model returned ${ys.length} outputs, expected ${spans.length}`);
    }
    ys.forEach((y, i) => {
      const s = spans[i];
      const shape = [b - a, ...s.shape.slice(1)];
      if (y.dtype !== s.dtype || !sameShape(y.shape, shape)) {
        throw new TypeError(
          `Output ${i} has ${y.dtype} shape [${y.shape.join(", ")}], expected ${s.dtype} ` +
            `shape [${shape.join(", ")}]`,
        );
      }
      if (y.data.length !== into[i].length) {
        throw new RangeError(
          `Output ${i} holds ${y.data.length} values for ${into[i].length} elements`,
        );
      }
      // A model that returned arrays of its own rather than filling `into`.
      if (y.data !== into[i]) into[i].set(y.data as never);
    });
  }
}

/**
 * Serves the pool protocol in this worker: exposes the control API, then posts "ready".
 * `setup` imports the pool's setup modules; without it, a pool with setup modules is refused.
 */
export function serveWorker(factory: ModelFactory, setup?: SetupHook): void {
  const scope = globalThis as unknown as WorkerScope;
  const models = new Map<number, WorkerModel>();
  const post = (m: WorkerMessage, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

  const api: ControlApi = {
    setup(urls) {
      if (setup) return setup(urls);
      if (urls.length === 0) return Promise.resolve(null);
      return Promise.reject(new TypeError("this worker module takes no setup modules"));
    },
    async load(handle, json, options, buffer, layout) {
      const model = await factory(json, options);
      attachWeights(model, buffer, layout);
      models.set(handle, model);
      return layerClasses(model.layers ?? []);
    },
    unload(handle) {
      models.delete(handle);
    },
    resetStates(handle) {
      const model = models.get(handle);
      if (!model) throw new RangeError(`Model ${handle} is not loaded in this worker`);
      const m = model as WorkerModel & { resetStates?: () => void };
      if (typeof m.resetStates === "function") m.resetStates();
      else resetAll(model.layers ?? []);
    },
    ping: () => "pong",
  };

  function run(job: RunJob): void {
    withDeterministicArithmetic(job.deterministic, () => runJob(job));
  }

  function runJob(job: RunJob): void {
    if (job.fault === "uncaught") throw new Error("injected uncaught fault (test hook)");
    if (job.fault === "exit") return scope.close();
    try {
      if (job.fault === "throw") throw new Error("injected fault (test hook)");
      const model = models.get(job.handle);
      if (!model) throw new RangeError(`Model ${job.handle} is not loaded in this worker`);
      if (job.outputSpans) {
        runIntoAddresses(model, job, job.outputSpans);
      } else if (job.outputs === null || !job.split) {
        const ys = model.predictFlat(job.inputs.map(view), {
          batchSize: job.batchSize,
          blas: job.blas,
          foldBatchNorm: job.foldBatchNorm,
        });
        if (job.outputs === null) {
          const results = ys.map(returned);
          post({ kerno: "done", jobId: job.jobId, results }, results.map((r) => r.data));
          return;
        }
        copyAll(ys, job.outputs);
      } else {
        const rows = job.inputs[0]?.shape[0] ?? 0;
        const step = job.batchSize ?? DEFAULT_BATCH;
        for (let a = 0; a < rows; a += step) {
          const b = Math.min(rows, a + step);
          const outs = job.outputs.map((r) => subRows(r, a, b));
          const ys = model.predictFlat(job.inputs.map((r) => view(subRows(r, a, b))), {
            batchSize: job.batchSize,
            blas: job.blas,
            into: outs.map((r) => view(r).data),
            foldBatchNorm: job.foldBatchNorm,
          });
          copyAll(ys, outs);
        }
      }
      post({ kerno: "done", jobId: job.jobId, results: null });
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({
        kerno: "fail",
        jobId: job.jobId,
        name: err.name,
        message: err.message,
        stack: err.stack,
      });
    }
  }

  const close = scope.close.bind(scope);
  scope.close = () => {
    post({ kerno: "exit", reason: "the worker closed itself" });
    close();
  };
  addEventListener("unload", () => post({ kerno: "exit", reason: "the worker exited" }));
  exposeControl(api, scope);
  scope.addEventListener("message", (ev: MessageEvent) => {
    const m = ev.data as { kerno?: string } | null;
    if (m?.kerno === "run") run(m as RunJob);
  });
  post({ kerno: "ready", writesAddresses: addressesAvailable() });
}
