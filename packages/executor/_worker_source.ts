/**
 * Where the pool's worker module lives and how it is started: the default (`./worker.ts` beside
 * this package, written as `new Worker(new URL(…, import.meta.url))` so that Vite, webpack 5 and
 * Parcel find and bundle it), or a URL the user gives.
 *
 * @module
 */

/** How to start one pool worker, and its URL for error messages. */
export interface WorkerSource {
  /** The module's URL, as a string. */
  readonly url: string;
  /** Whether this is the default location (not given by the user). */
  readonly isDefault: boolean;
  /** Starts a module worker. */
  start(): Worker;
}

/** The worker module a user gave, or the default one beside this package. */
export function workerSource(url?: string | URL): WorkerSource {
  if (url !== undefined) {
    const href = new URL(url, globalThis.location?.href).href;
    return { url: href, isDefault: false, start: () => new Worker(href, { type: "module" }) };
  }
  return {
    url: new URL("./worker.ts", import.meta.url).href,
    isDefault: true,
    // Bundlers recognize exactly this form: keep the URL literal inside `new Worker(...)`.
    start: () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module" }),
  };
}

/**
 * Why a worker module could not start when its error event has no message (browsers give none):
 * what the server answers for it, or `undefined` when that cannot be found out.
 */
export async function diagnoseLoad(url: string): Promise<string | undefined> {
  if (!/^https?:/.test(url)) return undefined;
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    if (!response.ok) return `the server answered ${response.status} ${response.statusText}`.trim();
    const type = response.headers.get("content-type") ?? "";
    if (!/javascript|ecmascript/.test(type)) {
      return `it is served as "${type}", not JavaScript`;
    }
    return "the module or one of its imports failed to load or threw while starting";
  } catch (e) {
    return `fetching it failed (${e instanceof Error ? e.message : e})`;
  }
}
