/**
 * Explicit, adjustable limits on what a file or an input may make Kerno allocate. Every loader
 * checks them before it allocates; the error names the limit and how to raise it.
 *
 * @module
 */

/** Limits on what a file, a config or an input may make Kerno allocate. */
export interface Limits {
  /** Largest single weight a config may declare, in bytes (float32: 4 bytes a value). */
  maxWeightTensorBytes: number;
  /** Largest total of all weights a config may declare, in bytes. */
  maxTotalWeightBytes: number;
  /** Largest inflated size of one archive entry (`.keras`, `.npz`), in bytes. */
  maxEntryBytes: number;
  /** Largest ratio of inflated to compressed bytes of an archive entry (past its first MiB). */
  maxCompressionRatio: number;
  /** Deepest nesting of arrays and objects in a JSON config. */
  maxJsonDepth: number;
  /** Largest number of values one `predict` call accepts, all inputs together. */
  maxPredictInputValues: number;
  /** Largest tensor a layer may return inside `predict` (its declared shape at the call's rows), in bytes. */
  maxActivationBytes: number;
}

const GiB = 2 ** 30;

/**
 * The defaults: enough for every real model up to 2 GiB per weight and 4 GiB in all (a 1 GB
 * model needs no change).
 */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxWeightTensorBytes: 2 * GiB,
  maxTotalWeightBytes: 4 * GiB,
  maxEntryBytes: 4 * GiB,
  maxCompressionRatio: 100,
  maxJsonDepth: 100,
  maxPredictInputValues: 2 ** 28,
  maxActivationBytes: 4 * GiB,
});

let defaults: Limits = { ...DEFAULT_LIMITS };
let active: Limits | null = null;

/** The limits in force: those of the innermost {@linkcode withLimits}, else the defaults. */
export function currentLimits(): Readonly<Limits> {
  return active ?? defaults;
}

/**
 * Changes the process-wide default limits (each given key), for every later load and predict.
 *
 * @example
 * ```ts
 * import { DEFAULT_LIMITS, setDefaultLimits } from "@kerno/layers";
 * setDefaultLimits({ maxTotalWeightBytes: 16 * 2 ** 30 }); // a 16 GiB model
 * setDefaultLimits(DEFAULT_LIMITS); // back to the defaults
 * ```
 */
export function setDefaultLimits(overrides: Partial<Limits>): void {
  defaults = mergeLimits(defaults, overrides);
}

/** `base` with each key of `overrides` that is a positive number. */
export function mergeLimits(base: Readonly<Limits>, overrides: Partial<Limits> = {}): Limits {
  const out = { ...base };
  for (const [key, value] of Object.entries(overrides) as [keyof Limits, unknown][]) {
    if (!(key in DEFAULT_LIMITS)) {
      throw new TypeError(
        `Unknown limit "${key}"; the limits are ${Object.keys(DEFAULT_LIMITS).join(", ")}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value > 0)) {
      throw new TypeError(`Limit ${key} must be a positive number, received ${String(value)}`);
    }
    out[key] = value;
  }
  return out;
}

/** The weight bytes one load may allocate: what the file holds, and what was allocated so far. */
interface WeightBudget {
  readonly bytes: number;
  readonly source: string | null;
  readonly initialize: boolean;
  used: number;
}

let budget: WeightBudget | null = null;

/** The weights a file really holds, for {@linkcode withLimits}. */
export interface WeightSource {
  /** Bytes of weight data in the file (as float32). */
  readonly bytes: number;
  /** The file (or entry) for messages: `model.keras:model.weights.h5`. */
  readonly source: string;
}

/**
 * Runs `fn` (synchronous) with `overrides` applied on top of the current limits, counting the
 * weights that layers create inside against `maxTotalWeightBytes`. When `weights` is given, they
 * may also not add up to more than `weights.bytes` (what the file `weights.source` really holds),
 * and are left at zero instead of being initialized (the loader sets them all from the file).
 *
 * @example
 * ```ts
 * import { withLimits } from "@kerno/layers";
 * withLimits({ maxJsonDepth: 500 }, () => {/* load a deeply nested config *\/});
 * ```
 */
export function withLimits<T>(
  overrides: Partial<Limits> | undefined,
  fn: () => T,
  weights?: WeightSource,
): T {
  const savedActive = active;
  const savedBudget = budget;
  active = mergeLimits(currentLimits(), overrides);
  if (weights) budget = { ...weights, initialize: false, used: 0 };
  else if (!budget) budget = { bytes: Infinity, source: null, initialize: true, used: 0 };
  try {
    return fn();
  } finally {
    active = savedActive;
    budget = savedBudget;
  }
}

/** A byte count for messages: `512 B`, `1.5 MiB`, `2 GiB`. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${Number(v.toPrecision(3))} ${units[i]}`;
}

/** How to raise a limit, for the end of an error message. */
export function raiseHint(key: keyof Limits): string {
  return `limit ${key} = ${
    key === "maxJsonDepth" || key === "maxCompressionRatio" || key === "maxPredictInputValues"
      ? currentLimits()[key]
      : formatBytes(currentLimits()[key])
  }; if the file is trusted, raise it with the option limits: { ${key} }, setDefaultLimits, or kerno --limit ${key}=…`;
}

/**
 * Checks a weight about to be created (`where` names the layer and weight): every dimension a
 * non-negative integer, the size within `maxWeightTensorBytes`, and the running total within
 * `maxTotalWeightBytes` and the current load's budget. Returns whether the weight should be
 * initialized (false inside a load, whose file sets every weight).
 */
export function admitWeight(where: string, shape: readonly number[]): boolean {
  const shapeText = `(${shape.join(", ")})`;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new RangeError(
      `${where}: invalid weight shape ${shapeText}: expected non-negative integer dimensions`,
    );
  }
  const bytes = shape.reduce((a, b) => a * b, 1) * 4;
  const limits = currentLimits();
  if (bytes > limits.maxWeightTensorBytes) {
    throw new RangeError(
      `${where}: the config declares a weight of shape ${shapeText} (${
        formatBytes(bytes)
      }), more than allowed (${raiseHint("maxWeightTensorBytes")})`,
    );
  }
  if (!budget) return true;
  budget.used += bytes;
  if (budget.initialize && budget.used <= limits.maxTotalWeightBytes) return true;
  if (budget.used > limits.maxTotalWeightBytes) {
    throw new RangeError(
      `${where}: the config declares more than ${formatBytes(budget.used - bytes)} + ${
        formatBytes(bytes)
      } of weights (${raiseHint("maxTotalWeightBytes")})`,
    );
  }
  if (budget.used > budget.bytes) {
    throw new RangeError(
      `${where}: the config declares at least ${
        formatBytes(budget.used)
      } of weights (this one has shape ${shapeText}), but ${
        budget.source ?? "the file"
      } holds only ${
        formatBytes(budget.bytes)
      } of weight data: the config and the weights do not match`,
    );
  }
  return false;
}

/**
 * Checks that `value` (parsed JSON or a config object) nests at most `maxJsonDepth` levels and
 * holds no cycle, without recursion (so a hostile depth cannot overflow the stack).
 */
export function checkJsonDepth(value: unknown, label: string): void {
  const max = currentLimits().maxJsonDepth;
  const stack: { v: unknown; depth: number; exit: boolean; path: string }[] = [
    { v: value, depth: 0, exit: false, path: "" },
  ];
  const onPath = new Set<object>();
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.v !== "object" || item.v === null) continue;
    const obj = item.v as object;
    if (item.exit) {
      onPath.delete(obj);
      continue;
    }
    if (onPath.has(obj)) {
      throw new TypeError(
        `${label}: the config refers to itself at ${
          item.path || "the top"
        } (a cycle); expected a tree`,
      );
    }
    if (item.depth >= max) {
      throw new RangeError(
        `${label}: the config nests deeper than ${max} levels (at ${item.path.slice(0, 120)}…; ${
          raiseHint("maxJsonDepth")
        })`,
      );
    }
    onPath.add(obj);
    stack.push({ v: obj, depth: item.depth, exit: true, path: item.path });
    const entries = Array.isArray(obj)
      ? obj.map((v, i) => [`[${i}]`, v] as const)
      : Object.entries(obj).map(([k, v]) => [`.${k}`, v] as const);
    for (const [key, v] of entries) {
      if (typeof v === "object" && v !== null) {
        stack.push({ v, depth: item.depth + 1, exit: false, path: item.path + key });
      }
    }
  }
}
