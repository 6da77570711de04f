/**
 * One pool worker: starts it, waits for its ready message, loads models into it on demand, runs
 * one job at a time, and turns every way it can die (uncaught error, closing itself, being
 * terminated) into a rejection of whatever was pending on it.
 *
 * @module
 */
import { ControlClient } from "./_control.ts";
import type { BuildOptions, RunJob, WeightSlot, WorkerMessage } from "./_messages.ts";
import { diagnoseLoad, type WorkerSource } from "./_worker_source.ts";
import type { SetupReport } from "./setup.ts";

/** The message {@linkcode WorkerSlot.wake} posts: no listener in the worker takes it. */
const WAKE = { kerno: "wake" } as const;

/** What a slot needs to load a model into its worker. */
export interface LoadSpec {
  /** Handle id. */
  readonly id: number;
  /** Keras JSON config. */
  readonly json: string;
  /** Options for rebuilding it from the config. */
  readonly options: BuildOptions;
  /** Shared weight buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Where each weight sits. */
  readonly layout: readonly WeightSlot[];
}

/** A job's successful reply. */
export type DoneMessage = Extract<WorkerMessage, { kerno: "done" }>;

interface Pending {
  readonly jobId: number;
  resolve(m: DoneMessage): void;
  reject(e: Error): void;
}

/** Error of a job that the worker's model threw; it carries the worker-side name and stack. */
export class WorkerJobError extends Error {
  /** Creates the error from the worker's report. */
  constructor(name: string, message: string, stack?: string) {
    super(`${name}: ${message}`);
    this.name = "WorkerJobError";
    if (stack) this.stack = `${this.name}: ${this.message}\n(in worker) ${stack}`;
  }
}

/** One worker of the pool. */
export class WorkerSlot {
  /** Position in the pool. */
  readonly index: number;
  /**
   * Resolves when the worker has exposed its control API and imported the setup modules, with
   * what it can build (`null` from a stand-in worker); rejects if either fails or it dies first.
   */
  readonly ready: Promise<SetupReport | null>;
  /** Rejects once when the worker is gone (never resolves). */
  readonly dead: Promise<never>;
  #worker: Worker;
  #control: ControlClient;
  #alive = true;
  #writesAddresses = false;
  #deathCause: Error | null = null;
  #killDead!: (e: Error) => void;
  #pending: Pending | null = null;
  #loaded = new Map<number, Promise<string[]>>();
  /** Models whose load has finished, for {@linkcode WorkerSlot.hasLoaded}. */
  #settled = new Set<number>();
  #onGone: () => void;

  /**
   * Starts a worker from `source`, which then imports the setup modules at `setup`; `onGone`
   * runs once when it is gone.
   */
  constructor(
    index: number,
    source: WorkerSource,
    setup: readonly string[],
    onGone: () => void,
  ) {
    this.index = index;
    this.#onGone = onGone;
    this.dead = new Promise<never>((_, reject) => (this.#killDead = reject));
    this.dead.catch(() => {});
    this.#worker = source.start();
    let started = false;
    let readyResolve!: () => void;
    const exposed = new Promise<void>((resolve, reject) => {
      readyResolve = resolve;
      this.dead.catch(reject);
    });
    this.ready = exposed.then(() => this.#control.setup(setup));
    this.ready.catch(() => {});
    this.#worker.addEventListener("message", (ev: MessageEvent) => {
      const m = ev.data as WorkerMessage | null;
      if (!m || typeof m !== "object" || !("kerno" in m)) return;
      if (m.kerno === "ready") {
        started = true;
        this.#writesAddresses = m.writesAddresses === true;
        readyResolve();
      } else if (m.kerno === "exit") this.#die(new Error(m.reason));
      else if (
        // Only the data plane's own tags: the control plane's "reply" messages share the port.
        (m.kerno === "done" || m.kerno === "fail") && this.#pending &&
        m.jobId === this.#pending.jobId
      ) {
        const p = this.#pending;
        this.#pending = null;
        if (m.kerno === "done") p.resolve(m);
        else p.reject(new WorkerJobError(m.name, m.message, m.stack));
      }
    });
    this.#worker.addEventListener("error", (ev: ErrorEvent) => {
      ev.preventDefault();
      if (started) {
        this.#die(new Error(`the worker crashed: ${ev.message ?? "(the browser gave no reason)"}`));
        return;
      }
      // A browser's error event for a module that did not load has no message: ask the server.
      const why = ev.message ? Promise.resolve(ev.message) : diagnoseLoad(source.url);
      why.then((reason) => {
        const detail = reason ?? "(the browser gave no reason)";
        this.#die(new Error(`could not start the worker module ${source.url}: ${detail}`));
      });
    });
    this.#control = new ControlClient(this.#worker, this.dead);
  }

  /** Whether the worker is still running. */
  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Whether the worker said, when it started, that it can write outputs named by address
   * (`RunJob.outputSpans`: Linux, the FFI permission in the worker).
   */
  get writesAddresses(): boolean {
    return this.#writesAddresses;
  }

  /** Why the worker is gone, if it is. */
  get deathCause(): Error | null {
    return this.#deathCause;
  }

  /**
   * Loads model `spec` into this worker once; later calls share the first load. Resolves with
   * the class of each layer of the rebuilt model.
   */
  ensureLoaded(spec: LoadSpec): Promise<string[]> {
    let p = this.#loaded.get(spec.id);
    if (!p) {
      p = this.ready.then(() =>
        this.#control.load(spec.id, spec.json, spec.options, spec.buffer, spec.layout)
      );
      this.#loaded.set(spec.id, p);
      const loaded = p;
      p.then(
        () => {
          if (this.#loaded.get(spec.id) === loaded) this.#settled.add(spec.id);
        },
        () => this.#loaded.delete(spec.id),
      );
    }
    return p;
  }

  /**
   * Whether model `id` is loaded in this live worker already: a job for it can be posted at
   * once, without waiting on {@linkcode WorkerSlot.ensureLoaded}'s promise (a turn of the
   * event loop, during which the next shard's rows would be staged first).
   */
  hasLoaded(id: number): boolean {
    return this.#alive && this.#settled.has(id);
  }

  /** Forgets model `id` in this worker (nothing to do if it was never loaded). */
  async unload(id: number): Promise<void> {
    const p = this.#loaded.get(id);
    if (!p) return;
    this.#loaded.delete(id);
    this.#settled.delete(id);
    await p.catch(() => {});
    if (this.#alive) await this.#control.unload(id);
  }

  /** Resets the states of model `spec` in this worker. */
  async resetStates(spec: LoadSpec): Promise<void> {
    await this.ensureLoaded(spec);
    await this.#control.resetStates(spec.id);
  }

  /** Posts `job` and resolves with the worker's reply; rejects if the job throws or the worker dies. */
  run(job: RunJob): Promise<DoneMessage> {
    if (!this.#alive) return Promise.reject(this.#deathCause);
    if (this.#pending) return Promise.reject(new Error(`worker ${this.index} is busy`));
    return new Promise<DoneMessage>((resolve, reject) => {
      this.#pending = { jobId: job.jobId, resolve, reject };
      this.#worker.postMessage(job);
    });
  }

  /**
   * Posts a message the worker ignores, to an idle live worker: a thread parked in its event
   * loop takes a few hundred microseconds to wake up, which then overlaps the main thread's
   * work before it posts the job (a job 0.8 ms later started 0.1–0.2 ms sooner here).
   */
  wake(): void {
    if (this.#alive && !this.#pending) this.#worker.postMessage(WAKE);
  }

  /** Terminates the worker; pending work rejects with `cause`. Safe to call twice. */
  terminate(cause = new Error("the worker was terminated")): void {
    this.#die(cause);
  }

  #die(cause: Error): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#deathCause = cause;
    this.#worker.terminate();
    this.#killDead(cause);
    const p = this.#pending;
    this.#pending = null;
    p?.reject(cause);
    this.#onGone();
  }
}
