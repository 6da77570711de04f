/**
 * Setup modules: what a pool worker imports before it builds models, so that models with Lambda
 * layers and layer classes of the user's own run in the pool. Workers rebuild each model from its
 * Keras config and cannot receive functions; a setup module gives them the functions by name.
 *
 * @module
 */
import { type LambdaSupply, type LayerFactory, registeredLayerNames } from "@kerno/layers";

/**
 * What a setup module exports (both are optional), and what {@linkcode importSetup} returns:
 * the same `{ lambdas, customObjects }` that `loadModel` takes. A setup module may also register
 * classes with `registerLayer` when it is imported.
 *
 * @example
 * ```ts ignore
 * // my_layers.ts, given to WorkerPool.create({ setup: new URL("./my_layers.ts", import.meta.url) })
 * import type { PoolSetup } from "@kerno/executor";
 * export const lambdas: PoolSetup["lambdas"] = { lambda: reverseTime };
 * export const customObjects: PoolSetup["customObjects"] = {
 *   AttentionWithContext: (config, options) => AttentionWithContext.fromConfig(config, options),
 * };
 * ```
 */
export interface PoolSetup {
  /** Bodies of Lambda layers in TypeScript, by layer name (as `loadModel`'s `lambdas`). */
  lambdas?: Record<string, LambdaSupply>;
  /** Layer classes by Keras class name (as `loadModel`'s `customObjects`). */
  customObjects?: Record<string, LayerFactory>;
}

/** One setup module or several, in import order: a URL, or a string URL or file path. */
export type SetupSource = string | URL | readonly (string | URL)[];

/** What a worker reports after importing its setup modules (internal). */
export interface SetupReport {
  /** The modules' URLs. */
  readonly modules: readonly string[];
  /** Lambda layer names the modules supply a body for. */
  readonly lambdas: readonly string[];
  /** Keras class names the worker can build: its registry and the modules' `customObjects`. */
  readonly classes: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fileUrl(path: string): string {
  const p = path.replace(/\\/g, "/").replace(/%/g, "%25").replace(/#/g, "%23")
    .replace(/\?/g, "%3F");
  return new URL(`file://${p.startsWith("/") ? "" : "/"}${p}`).href;
}

function toUrl(entry: string | URL): string {
  if (entry instanceof URL) return entry.href;
  if (typeof entry !== "string" || entry === "") {
    throw new TypeError(`setup must be a URL or a path, received ${String(entry)}`);
  }
  // An absolute URL; a drive letter (C:\…) is a Windows path, not a scheme.
  if (/^[A-Za-z][A-Za-z\d+.-]+:/.test(entry)) return new URL(entry).href;
  if (/^([A-Za-z]:)?[\\/]/.test(entry)) return fileUrl(entry);
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  if (page) return new URL(entry, page).href;
  const cwd = (globalThis as { Deno?: { cwd(): string } }).Deno?.cwd();
  if (cwd === undefined) {
    throw new TypeError(
      `setup "${entry}" is a relative path, and there is no folder to read it in`,
    );
  }
  return new URL(entry, fileUrl(cwd.endsWith("/") ? cwd : `${cwd}/`)).href;
}

/**
 * The absolute URLs of `source`'s modules: URLs as they are, file paths resolved against the
 * current folder (in Deno) or the page (in a browser).
 */
export function setupUrls(source: SetupSource | undefined): string[] {
  if (source === undefined) return [];
  const list = typeof source === "string" || source instanceof URL ? [source] : [...source];
  return list.map(toUrl);
}

function checkLambdas(url: string, value: unknown): Record<string, LambdaSupply> {
  if (!isRecord(value)) {
    throw new TypeError(
      `Setup module ${url}: export "lambdas" must be an object of Lambda bodies by layer name, ` +
        `received ${Array.isArray(value) ? "a list" : typeof value}`,
    );
  }
  for (const [name, supply] of Object.entries(value)) {
    const ok = typeof supply === "function" ||
      (isRecord(supply) && typeof supply.fn === "function" &&
        (supply.outputShape === undefined || Array.isArray(supply.outputShape)));
    if (!ok) {
      throw new TypeError(
        `Setup module ${url}: lambdas["${name}"] must be a function (x) => tensor or ` +
          `{ fn, outputShape }, received ${JSON.stringify(supply) ?? typeof supply}`,
      );
    }
  }
  return value as Record<string, LambdaSupply>;
}

function checkCustomObjects(url: string, value: unknown): Record<string, LayerFactory> {
  if (!isRecord(value)) {
    throw new TypeError(
      `Setup module ${url}: export "customObjects" must be an object of layer factories by Keras ` +
        `class name, received ${Array.isArray(value) ? "a list" : typeof value}`,
    );
  }
  for (const [name, factory] of Object.entries(value)) {
    if (typeof factory !== "function") {
      throw new TypeError(
        `Setup module ${url}: customObjects["${name}"] must be a function ` +
          `(config, options) => layer, received ${typeof factory}`,
      );
    }
  }
  return value as Record<string, LayerFactory>;
}

/**
 * Imports setup modules in order and merges their `lambdas` and `customObjects` (a later module
 * wins on a name both give), checking their types: what each pool worker does before it builds
 * a model. On the main thread, pass the result to `loadModel` so the model there is built with
 * the same functions (`kerno predict --setup` does this).
 *
 * @example
 * ```ts ignore
 * const setup = new URL("./my_layers.ts", import.meta.url);
 * const model = await loadModel("model.keras", await importSetup(setup));
 * await using pool = await WorkerPool.create({ setup });
 * ```
 */
export async function importSetup(
  source: SetupSource,
): Promise<Required<PoolSetup>> {
  const lambdas: Record<string, LambdaSupply> = {};
  const customObjects: Record<string, LayerFactory> = {};
  for (const url of setupUrls(source)) {
    let ns: Record<string, unknown>;
    try {
      ns = await import(url);
    } catch (e) {
      throw new Error(
        `Setup module ${url} could not be imported: ${e instanceof Error ? e.message : e}`,
        { cause: e },
      );
    }
    if (ns.lambdas !== undefined) Object.assign(lambdas, checkLambdas(url, ns.lambdas));
    if (ns.customObjects !== undefined) {
      Object.assign(customObjects, checkCustomObjects(url, ns.customObjects));
    }
  }
  return { lambdas, customObjects };
}

/** What the worker can build after importing `urls` (internal). */
export function setupReport(urls: readonly string[], setup: Required<PoolSetup>): SetupReport {
  const classes = new Set([...registeredLayerNames(), ...Object.keys(setup.customObjects)]);
  return {
    modules: [...urls],
    lambdas: Object.keys(setup.lambdas),
    classes: [...classes].sort(),
  };
}
