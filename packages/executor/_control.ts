/**
 * The control plane (load a model, reset states, ping) over comlink. This is the only file that
 * imports comlink; nothing comlink-typed leaves it. Known rough edges handled here: the worker
 * must `expose()` before any call (it then posts an explicit ready message, see `_worker_core.ts`),
 * no `Comlink.proxy` callbacks are used, and every call races the worker's death so a worker
 * terminated mid-call rejects instead of hanging.
 *
 * @module
 */
import * as Comlink from "comlink";
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

/** The message port side of a worker, as comlink needs it. */
export interface ControlEndpoint {
  /** Posts a message. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Adds a listener. */
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  /** Removes a listener. */
  removeEventListener(type: string, listener: (ev: MessageEvent) => void): void;
}

/** Worker side: serves `api` on `endpoint` (call this before posting the ready message). */
export function exposeControl(api: ControlApi, endpoint: ControlEndpoint): void {
  Comlink.expose(api, endpoint as unknown as Comlink.Endpoint);
}

/** Pool side: calls into one worker's {@linkcode ControlApi}, failing when the worker dies. */
export class ControlClient {
  #remote: Comlink.Remote<ControlApi>;
  #dead: Promise<never>;

  /** Wraps `endpoint`; `dead` rejects when the worker is gone. */
  constructor(endpoint: ControlEndpoint, dead: Promise<never>) {
    this.#remote = Comlink.wrap<ControlApi>(endpoint as unknown as Comlink.Endpoint);
    this.#dead = dead;
  }

  /** See {@linkcode ControlApi.setup}. */
  setup(urls: readonly string[]): Promise<SetupReport | null> {
    return this.#race(this.#remote.setup(urls));
  }

  /** See {@linkcode ControlApi.load}. */
  load(
    handle: number,
    json: string,
    options: BuildOptions,
    weights: SharedArrayBuffer,
    layout: readonly WeightSlot[],
  ): Promise<string[]> {
    return this.#race(this.#remote.load(handle, json, options, weights, layout));
  }

  /** See {@linkcode ControlApi.unload}. */
  unload(handle: number): Promise<void> {
    return this.#race(this.#remote.unload(handle));
  }

  /** See {@linkcode ControlApi.resetStates}. */
  resetStates(handle: number): Promise<void> {
    return this.#race(this.#remote.resetStates(handle));
  }

  /** See {@linkcode ControlApi.ping}. */
  ping(): Promise<string> {
    return this.#race(this.#remote.ping());
  }

  #race<T>(call: Promise<T>): Promise<T> {
    return Promise.race([call, this.#dead]);
  }
}
