/**
 * The control plane (import setup modules, load a model, reset states, ping): a small RPC over
 * the worker's own message port. It replaced comlink (a deliberate change, for issue 13: one
 * third-party dependency fewer for a JSR package, and nothing for `deno task demo` to download)
 * with the same typed {@linkcode ControlApi} and the same rough edges handled:
 *
 * - the worker must listen before any call arrives: {@linkcode exposeControl} adds its listener
 *   before the worker posts its explicit ready message (see `_worker_core.ts`), and the pool
 *   calls only after that message;
 * - no callbacks cross the port: arguments and results are plain structured-clonable values;
 *   nothing is transferred (the weights' SharedArrayBuffer is shared, not moved);
 * - every call fails when the worker dies: {@linkcode ControlClient} rejects each pending call
 *   with the cause of death, so a worker terminated mid-call cannot hang it.
 *
 * The data plane (`_messages.ts`: "run", "done", "fail", "ready", "exit") shares the port. Every
 * message carries a `kerno` tag; the control plane posts and takes only `kerno: "call"` and
 * `kerno: "reply"`, and the data plane's listeners ignore both. No control type leaves the
 * package's internals.
 *
 * @module
 */
import type { BuildOptions, WeightSlot } from "./_messages.ts";
import type { SetupReport } from "./setup.ts";

/** What a worker offers on the control plane. */
export interface ControlApi {
  /**
   * Imports the setup modules at `urls` (before any model is built) and reports what the worker
   * can then build; `null` from a worker that builds no Kerno layers (a test stand-in).
   */
  setup(urls: readonly string[]): Promise<SetupReport | null>;
  /**
   * Rebuilds model `handle` from its JSON config over views of the shared weight buffer; returns
   * the class of each layer of the rebuilt model (see `layerClasses`).
   */
  load(
    handle: number,
    json: string,
    options: BuildOptions,
    weights: SharedArrayBuffer,
    layout: readonly WeightSlot[],
  ): Promise<string[]>;
  /** Forgets model `handle`. */
  unload(handle: number): void;
  /** Sets the recurrent state of every stateful layer of model `handle` back to zeros. */
  resetStates(handle: number): void;
  /** Answers `"pong"`. */
  ping(): string;
}

/** The message port side of a worker: the worker's global scope, or the pool's `Worker`. */
export interface ControlEndpoint {
  /** Posts a message. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Adds a listener. */
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  /** Removes a listener. */
  removeEventListener(type: string, listener: (ev: MessageEvent) => void): void;
}

/** The name of a control method. */
export type ControlMethod = keyof ControlApi;

/** The pool asks the worker to run `method` with `args`; `id` matches the reply to it. */
export interface ControlCall {
  /** Message tag. */
  readonly kerno: "call";
  /** Unique among the calls of one {@linkcode ControlClient}. */
  readonly id: number;
  /** Which method of {@linkcode ControlApi}. */
  readonly method: ControlMethod;
  /** Its arguments, structured-cloned. */
  readonly args: readonly unknown[];
}

/** The worker's answer to the call with the same `id`: its result, or what it threw. */
export type ControlReply =
  | { readonly kerno: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | {
    readonly kerno: "reply";
    readonly id: number;
    readonly ok: false;
    readonly name: string;
    readonly message: string;
    readonly stack?: string;
  };

const METHODS: readonly ControlMethod[] = ["setup", "load", "unload", "resetStates", "ping"];

/** Built-in error classes a worker's error is re-created as (any other name: `Error`). */
const ERROR_CLASSES: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

function tagged(data: unknown, tag: string): boolean {
  return typeof data === "object" && data !== null && (data as { kerno?: unknown }).kerno === tag;
}

/** What a worker threw, as a failed reply (anything thrown, not only `Error`s). */
function failure(id: number, thrown: unknown): ControlReply {
  const e = thrown as { name?: unknown; message?: unknown; stack?: unknown } | null;
  const isErrorLike = typeof e === "object" && e !== null && typeof e.message === "string";
  return {
    kerno: "reply",
    id,
    ok: false,
    name: isErrorLike && typeof e.name === "string" ? e.name : "Error",
    message: isErrorLike ? e.message as string : String(thrown),
    stack: isErrorLike && typeof e.stack === "string" ? e.stack : undefined,
  };
}

/** The pool-side error for a failed reply: the worker's class (if built in), name and message. */
function reviveError(reply: Extract<ControlReply, { ok: false }>): Error {
  const ErrorClass = Object.hasOwn(ERROR_CLASSES, reply.name) ? ERROR_CLASSES[reply.name] : Error;
  const error = new ErrorClass(reply.message);
  error.name = reply.name;
  if (reply.stack) error.stack = reply.stack;
  return error;
}

async function answer(api: ControlApi, call: ControlCall): Promise<ControlReply> {
  try {
    if (!METHODS.includes(call.method) || typeof api[call.method] !== "function") {
      throw new TypeError(
        `Unknown control method "${String(call.method)}": expected one of ${METHODS.join(", ")}`,
      );
    }
    const method = api[call.method] as (...args: unknown[]) => unknown;
    const value = await method.apply(api, [...call.args]);
    return { kerno: "reply", id: call.id, ok: true, value };
  } catch (e) {
    return failure(call.id, e);
  }
}

/**
 * Worker side: answers every `kerno: "call"` message on `endpoint` with a `kerno: "reply"` from
 * `api` (call this before posting the ready message). Other messages are left to other listeners.
 */
export function exposeControl(api: ControlApi, endpoint: ControlEndpoint): void {
  endpoint.addEventListener("message", (ev: MessageEvent) => {
    if (!tagged(ev.data, "call")) return;
    const call = ev.data as ControlCall;
    answer(api, call).then((reply) => {
      try {
        endpoint.postMessage(reply);
      } catch (e) {
        // The result could not be cloned (a function, say): the caller gets that error instead.
        endpoint.postMessage(failure(call.id, e));
      }
    });
  });
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Pool side: calls into one worker's {@linkcode ControlApi}, failing when the worker dies. */
export class ControlClient {
  #endpoint: ControlEndpoint;
  #pending = new Map<number, PendingCall>();
  #nextId = 0;
  #deathCause: Error | null = null;
  #onMessage = (ev: MessageEvent): void => {
    if (!tagged(ev.data, "reply")) return;
    const reply = ev.data as ControlReply;
    const call = this.#pending.get(reply.id);
    if (!call) return;
    this.#pending.delete(reply.id);
    if (reply.ok) call.resolve(reply.value);
    else call.reject(reviveError(reply));
  };

  /** Calls over `endpoint`; when `dead` rejects, every pending and later call rejects with its cause. */
  constructor(endpoint: ControlEndpoint, dead: Promise<never>) {
    this.#endpoint = endpoint;
    endpoint.addEventListener("message", this.#onMessage);
    dead.catch((cause: unknown) => {
      this.#deathCause = cause instanceof Error ? cause : new Error(String(cause));
      endpoint.removeEventListener("message", this.#onMessage);
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const call of pending) call.reject(this.#deathCause);
    });
  }

  /** Calls not yet answered (0 once the worker is dead). */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /** See {@linkcode ControlApi.setup}. */
  setup(urls: readonly string[]): Promise<SetupReport | null> {
    return this.#call("setup", [urls]);
  }

  /** See {@linkcode ControlApi.load}. */
  load(
    handle: number,
    json: string,
    options: BuildOptions,
    weights: SharedArrayBuffer,
    layout: readonly WeightSlot[],
  ): Promise<string[]> {
    return this.#call("load", [handle, json, options, weights, layout]);
  }

  /** See {@linkcode ControlApi.unload}. */
  unload(handle: number): Promise<void> {
    return this.#call("unload", [handle]);
  }

  /** See {@linkcode ControlApi.resetStates}. */
  resetStates(handle: number): Promise<void> {
    return this.#call("resetStates", [handle]);
  }

  /** See {@linkcode ControlApi.ping}. */
  ping(): Promise<string> {
    return this.#call("ping", []);
  }

  #call<M extends ControlMethod>(
    method: M,
    args: Parameters<ControlApi[M]>,
  ): Promise<Awaited<ReturnType<ControlApi[M]>>> {
    if (this.#deathCause) return Promise.reject(this.#deathCause);
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const call: ControlCall = { kerno: "call", id, method, args };
      try {
        // No transfer list: the weights' SharedArrayBuffer is shared with the worker, not moved.
        this.#endpoint.postMessage(call);
      } catch (e) {
        this.#pending.delete(id);
        reject(e);
      }
    });
  }
}
