import type { Rng } from "./rng.ts";

/** A key or index on the way to a value inside a JSON document. */
export type JsonPath = (string | number)[];

/** A JSON mutation: the new document and where it changed. */
export interface JsonMutation {
  /** The mutated document (a fresh copy; the original is untouched). */
  readonly value: unknown;
  /** What was done, for the report. */
  readonly what: string;
  /** Where the change is (for judging an accept), or null for whole-document changes. */
  readonly path: JsonPath | null;
  /** The value written at `path` (undefined for a deletion). */
  readonly newValue?: unknown;
  /** True when the key at `path` was deleted. */
  readonly deleted?: boolean;
  /** Set when the child must turn the value at this path into a reference to its parent (a cycle). */
  readonly cycleAt?: JsonPath;
}

/** Every path of a document, parents before children, without recursion. */
export function allPaths(doc: unknown): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: [unknown, JsonPath][] = [[doc, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    out.push(path);
    if (Array.isArray(v)) v.forEach((c, i) => stack.push([c, [...path, i]]));
    else if (typeof v === "object" && v !== null) {
      for (const [k, c] of Object.entries(v)) stack.push([c, [...path, k]]);
    }
  }
  return out;
}

/** The value at `path`. */
export function getAt(doc: unknown, path: JsonPath): unknown {
  let v = doc;
  for (const k of path) v = (v as Record<string | number, unknown>)?.[k];
  return v;
}

function setAt(doc: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = getAt(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
  return doc;
}

function deleteAt(doc: unknown, path: JsonPath): void {
  const parent = getAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === "number") parent.splice(key, 1);
  else if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[key];
}

/** A value nested `depth` levels deep, built without recursion. */
export function deepValue(depth: number, kind: "array" | "object"): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : { a: v };
  return v;
}

const TYPE_SWAPS: unknown[] = [null, true, false, "x", "", 0, -1, [], {}, [1, 2], { a: 1 }, "1e9"];
const SIZES: number[] = [0, -1, 1e5, 1e9, 1e300, -1e300, 1.5, 2 ** 31, 2 ** 53, 1e-300, 3];
const CLASS_NAMES: string[] = [
  "Foo",
  "Lambda",
  "TFOpLambda",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "",
  "LSTM",
  "Dense",
  "Sequential",
  "Functional",
  "GlorotUniform",
];

/** Paths that are more interesting to mutate: layer config keys, shapes, histories, classes. */
function interesting(path: JsonPath): boolean {
  const last = path[path.length - 1];
  return path.includes("config") && (typeof last === "string" ||
    path.includes("batch_shape") || path.includes("keras_history") || path.includes("shape"));
}

/** One random JSON mutation of `original` (a parsed Keras config or metadata). */
export function mutateJson(rng: Rng, original: unknown): JsonMutation {
  const doc = structuredClone(original);
  const paths = allPaths(doc);
  const preferred = paths.filter(interesting);
  const path = preferred.length > 0 && rng.chance(0.8) ? rng.pick(preferred) : rng.pick(paths);
  const current = getAt(doc, path);
  const kind = rng.pick([
    "type",
    "size",
    "size",
    "nest",
    "cycle",
    "history",
    "class",
    "delete",
    "dup",
    "key",
    "whole",
  ]);
  const where = path.join(".") || "(top)";
  switch (kind) {
    case "type": {
      const v = rng.pick(TYPE_SWAPS);
      return {
        value: setAt(doc, path, v),
        what: `type ${where} = ${JSON.stringify(v)}`,
        path,
        newValue: v,
      };
    }
    case "size": {
      if (Array.isArray(current) && rng.chance(0.5)) {
        const v = rng.chance(0.5) ? [] : [...current, ...current];
        return {
          value: setAt(doc, path, v),
          what: `array size ${where} -> ${v.length}`,
          path,
          newValue: v,
        };
      }
      const v = rng.pick(SIZES);
      return { value: setAt(doc, path, v), what: `size ${where} = ${v}`, path, newValue: v };
    }
    case "nest": {
      const depth = rng.pick([101, 1000, 10_000, 100_000]);
      const v = deepValue(depth, rng.chance(0.5) ? "array" : "object");
      return { value: setAt(doc, path, v), what: `nest ${where} ${depth} deep`, path: null };
    }
    case "cycle":
      return { value: doc, what: `cycle at ${where}`, path: null, cycleAt: path };
    case "history": {
      // An inbound node that points at its own layer, or at a later one.
      const histories = paths.filter((p) => p[p.length - 1] === "keras_history");
      if (histories.length === 0) break;
      const h = rng.pick(histories);
      const layerPath = h.slice(0, h.indexOf("inbound_nodes"));
      const self = (getAt(doc, layerPath) as { name?: string })?.name ?? "x";
      const v = rng.chance(0.5) ? [self, 0, 0] : [self, rng.pick([1, 99, -1]), rng.pick([0, 5])];
      return {
        value: setAt(doc, h, v),
        what: `keras_history ${h.join(".")} = ${JSON.stringify(v)}`,
        path: null,
      };
    }
    case "class": {
      const classes = paths.filter((p) => p[p.length - 1] === "class_name");
      if (classes.length === 0) break;
      const c = rng.pick(classes);
      const v = rng.pick(CLASS_NAMES);
      return {
        value: setAt(doc, c, v),
        what: `class ${c.join(".")} = ${JSON.stringify(v)}`,
        path: null,
      };
    }
    case "delete":
      if (path.length === 0) break;
      deleteAt(doc, path);
      return {
        value: doc,
        what: `delete ${where}`,
        path: typeof path[path.length - 1] === "string" ? path : null,
        deleted: true,
      };
    case "dup": {
      // Two layers with the same name.
      const names = paths.filter((p) => p[p.length - 1] === "name" && p.includes("layers"));
      if (names.length < 2) break;
      const [a, b] = [rng.pick(names), rng.pick(names)];
      const v = getAt(doc, a);
      return {
        value: setAt(doc, b, v),
        what: `name ${b.join(".")} = ${JSON.stringify(v)}`,
        path: null,
      };
    }
    case "key": {
      if (typeof current !== "object" || current === null || Array.isArray(current)) break;
      const key = rng.pick(["extra", "__proto__", "constructor", "units"]);
      const v = rng.pick(TYPE_SWAPS);
      (current as Record<string, unknown>)[key] = v;
      return { value: doc, what: `add key ${where}.${key} = ${JSON.stringify(v)}`, path: null };
    }
    case "whole": {
      const v = rng.pick([null, [], {}, "x", 0, true]);
      return { value: v, what: `whole document = ${JSON.stringify(v)}`, path: null };
    }
  }
  const v = rng.pick(SIZES);
  return { value: setAt(doc, path, v), what: `size ${where} = ${v}`, path, newValue: v };
}

/**
 * A same-length edit of JSON text stored inside a binary file (the legacy `.h5` model_config):
 * digits, letters or brackets changed in place, so the file's structure stays valid.
 */
export function mutateJsonText(rng: Rng, text: string): { text: string; what: string } {
  const chars = [...text];
  const kind = rng.pick(["digits", "digits", "letter", "bracket", "quote"]);
  if (kind === "digits") {
    const runs = [...text.matchAll(/\d+/g)];
    if (runs.length > 0) {
      const m = rng.pick(runs);
      const repl = rng.chance(0.5)
        ? "9".repeat(m[0].length)
        : String(rng.int(10)).repeat(m[0].length);
      chars.splice(m.index!, m[0].length, ...repl);
      return { text: chars.join(""), what: `digits at ${m.index} -> ${repl}` };
    }
  }
  const at = rng.int(text.length);
  if (kind === "bracket") {
    chars[at] = rng.pick(["[", "]", "{", "}", ",", ":"]);
  } else if (kind === "quote") {
    chars[at] = '"';
  } else {
    chars[at] = String.fromCharCode(97 + rng.int(26));
  }
  return { text: chars.join(""), what: `${kind} at ${at} -> ${chars[at]}` };
}

/** The first leaf where `b` differs from `a` (path and `b`'s value), or null when they are equal. */
export function firstDifference(a: unknown, b: unknown): { path: JsonPath; value: unknown } | null {
  const stack: [unknown, unknown, JsonPath][] = [[a, b, []]];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop()!;
    const bothObjects = typeof x === "object" && x !== null && typeof y === "object" &&
      y !== null &&
      Array.isArray(x) === Array.isArray(y);
    if (!bothObjects) {
      if (JSON.stringify(x) !== JSON.stringify(y)) return { path, value: y };
      continue;
    }
    const keys = new Set([...Object.keys(x as object), ...Object.keys(y as object)]);
    for (const k of keys) {
      const key = Array.isArray(x) ? Number(k) : k;
      stack.push([(x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], [
        ...path,
        key,
      ]]);
    }
  }
  return null;
}

/**
 * The change at `path` as the judge checks it: up to the last object key (an array element
 * changed means the array changed), with that key's new value in `doc`.
 */
export function keyedChange(
  doc: unknown,
  path: JsonPath,
): { path: JsonPath; value: unknown } | null {
  let end = path.length;
  while (end > 0 && typeof path[end - 1] === "number") end--;
  if (end === 0) return null;
  const keyed = path.slice(0, end);
  return { path: keyed, value: getAt(doc, keyed) };
}
