import { H5Dataset, type H5Group, readH5 } from "@kerno/io/h5";
import { loadModel, readZip, writeNpy, writeZip } from "@kerno/io";
import { fixtureTensor, readCase } from "../_reference/case.ts";
import type { Job, Target } from "./job.ts";
import { MODEL_LABEL } from "./classify.ts";
import { H5_SIGNATURES, mutateBytes, ZIP_SIGNATURES } from "./mutate_bytes.ts";
import { firstDifference, keyedChange, mutateJson, mutateJsonText } from "./mutate_json.ts";
import { mutateNpy } from "./mutate_npy.ts";
import { PREDICT_SPECS } from "./predict_specs.ts";
import { inputSeed, Rng } from "./rng.ts";
import { buildZip } from "./zip_build.ts";

/** How often each target is drawn (weights sum to 100). */
const TARGET_WEIGHTS: [Target, number][] = [
  ["keras", 30],
  ["h5", 20],
  ["weights", 14],
  ["config", 12],
  ["npy", 8],
  ["predict", 11],
  ["cli", 5],
];

/** Labels for errors that are not about one file. */
const CONFIG_LABEL = "layer|model|config|Layer|Model";
const PREDICT_LABEL = MODEL_LABEL;

interface CaseFiles {
  dir: string;
  name: string;
  keras: Uint8Array;
  h5: Uint8Array;
  weights: Uint8Array;
  config: unknown;
  npy: Uint8Array;
  inputs: number;
}

const cache = new Map<string, CaseFiles>();

/** Whether Kerno loads the case's own `model.keras` (cases of layers it lacks are no corpus). */
const usable = new Map<string, boolean>();

async function isUsable(dir: string): Promise<boolean> {
  let ok = usable.get(dir);
  if (ok === undefined) {
    try {
      await loadModel(`${dir}/model.keras`);
      ok = true;
    } catch {
      ok = false;
    }
    usable.set(dir, ok);
  }
  return ok;
}

/** A random case among `caseDirs` that Kerno can load (and with one input when `oneInput`). */
async function pickCase(
  rng: Rng,
  caseDirs: readonly string[],
  oneInput: boolean,
): Promise<CaseFiles> {
  for (let tries = 0; tries < 200; tries++) {
    const dir = rng.pick(caseDirs);
    if (!(await isUsable(dir))) continue;
    const c = await caseFiles(dir);
    if (!oneInput || c.inputs === 1) return c;
  }
  throw new Error("no usable reference case (are the fixtures synced?)");
}

async function caseFiles(dir: string): Promise<CaseFiles> {
  let c = cache.get(dir);
  if (!c) {
    const json = await readCase(dir);
    c = {
      dir,
      name: dir.split("/").pop()!,
      keras: await Deno.readFile(`${dir}/model.keras`),
      h5: await Deno.readFile(`${dir}/model.h5`),
      weights: await Deno.readFile(`${dir}/model.weights.h5`),
      config: json.model_config,
      npy: writeNpy(fixtureTensor(json.inputs[0])),
      inputs: json.inputs.length,
    };
    cache.set(dir, c);
  }
  return c;
}

/** Byte ranges holding numeric dataset values in an HDF5 file (to judge an accepted mutation). */
export function payloadRanges(bytes: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  const stack: H5Group[] = [readH5(bytes, "original")];
  let seen = 0;
  while (stack.length > 0 && seen < 100_000) {
    const g = stack.pop()!;
    for (const key of g.keys()) {
      seen++;
      const child = g.get(key);
      if (child instanceof H5Dataset) {
        if (child.type.kind === "float" || child.type.kind === "int") {
          out.push(...child.dataRanges());
        }
      } else if (child) stack.push(child);
    }
  }
  return out;
}

function insideRanges(changed: readonly number[], ranges: readonly [number, number][]): boolean {
  return changed.length > 0 && changed.every((at) => ranges.some(([a, b]) => at >= a && at < b));
}

/** The `{ ... }` span of the Keras model config text inside a legacy `.h5`. */
function configTextSpan(bytes: Uint8Array): [number, number] | null {
  const needle = new TextEncoder().encode('{"class_name"');
  const alt = new TextEncoder().encode('{"module"');
  const find = (n: Uint8Array) => {
    outer: for (let i = 0; i + n.length <= bytes.length; i++) {
      for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
      return i;
    }
    return -1;
  };
  let start = find(needle);
  if (start < 0) start = find(alt);
  if (start < 0) return null;
  let depth = 0;
  let inString = false;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return [start, i + 1];
    }
  }
  return null;
}

function pickTarget(rng: Rng): Target {
  let r = rng.int(100);
  for (const [t, w] of TARGET_WEIGHTS) {
    if (r < w) return t;
    r -= w;
  }
  return "keras";
}

const enc = new TextEncoder();

/** A bomb entry: `data` followed by `padding` bytes of `fill`, deflated. */
function padded(data: Uint8Array, padding: number, fill: number): Uint8Array {
  const out = new Uint8Array(data.length + padding);
  out.set(data);
  out.fill(fill, data.length);
  return out;
}

/** Mutates a `.keras` archive: raw bytes, an inner entry, or a deflated bomb. */
function mutateKeras(
  rng: Rng,
  c: CaseFiles,
): { bytes: Uint8Array; what: string; job: Partial<Job> } {
  const entries = readZip(c.keras, "original");
  const kind = rng.pick(["raw", "raw", "config", "config", "meta", "weights", "weights", "bomb"]);
  if (kind === "raw") {
    const m = mutateBytes(rng, c.keras, ZIP_SIGNATURES);
    return { bytes: m.bytes, what: `keras raw ${m.what}`, job: {} };
  }
  if (kind === "config" || kind === "meta") {
    const name = kind === "config" ? "config.json" : "metadata.json";
    const doc = JSON.parse(new TextDecoder().decode(entries.get(name)));
    let m = mutateJson(rng, doc);
    while (m.cycleAt) m = mutateJson(rng, doc);
    const next = Object.fromEntries(entries);
    next[name] = enc.encode(JSON.stringify(m.value));
    const change = m.path && !m.deleted ? keyedChange(m.value, m.path) : null;
    return {
      bytes: writeZip(next, new Date(1980, 0, 1)),
      what: `keras ${name} ${m.what}`,
      job: change
        ? { jsonPath: change.path, jsonValue: change.value }
        : { jsonPath: m.path, jsonValue: m.newValue, jsonDeleted: m.deleted },
    };
  }
  if (kind === "weights") {
    const original = entries.get("model.weights.h5")!;
    const m = mutateBytes(rng, original, H5_SIGNATURES);
    const next = Object.fromEntries(entries);
    next["model.weights.h5"] = m.bytes;
    return {
      bytes: writeZip(next, new Date(1980, 0, 1)),
      what: `keras model.weights.h5 ${m.what}`,
      job: { payloadOnly: !m.truncated && insideRanges(m.changed, payloadRanges(original)) },
    };
  }
  const victim = rng.pick(["config.json", "model.weights.h5", "junk.bin"]);
  const size = rng.pick([8, 64, 128]) * 2 ** 20;
  const lie = rng.chance(0.5);
  const list = [...entries].map(([name, data]) => ({ name, data, deflate: false }));
  const bomb = {
    name: victim,
    data: padded(
      entries.get(victim) ?? new Uint8Array(0),
      size,
      victim === "config.json" ? 0x20 : 0,
    ),
    deflate: true,
    declaredSize: lie ? 1000 : undefined,
  };
  const i = list.findIndex((e) => e.name === victim);
  if (i >= 0) list[i] = bomb;
  else list.push(bomb);
  return {
    bytes: buildZip(list),
    what: `keras bomb ${victim} +${size / 2 ** 20} MiB${lie ? " (declares 1000 bytes)" : ""}`,
    job: {},
  };
}

/**
 * Makes input `index` of a campaign with `seed`: picks a case and a target, writes the mutated
 * file into `inputsDir` (or prepares `workDir`), and returns the job for a child.
 */
export async function makeJob(
  seed: number,
  index: number,
  caseDirs: readonly string[],
  inputsDir: string,
  workDir: string,
): Promise<{ job: Job; bytes?: Uint8Array }> {
  const rng = new Rng(inputSeed(seed, index));
  const target = pickTarget(rng);
  const c = await pickCase(rng, caseDirs, target === "cli" || target === "npy");
  const dir = c.dir;
  const base = { index, target, caseDir: dir, workDir };
  const file = (ext: string) => `${inputsDir}/${String(index).padStart(5, "0")}-${c.name}.${ext}`;
  switch (target) {
    case "keras": {
      const m = mutateKeras(rng, c);
      const path = file("keras");
      return {
        job: { ...base, ...m.job, mutation: m.what, file: path, label: path },
        bytes: m.bytes,
      };
    }
    case "h5": {
      const path = file("h5");
      const span = configTextSpan(c.h5);
      if (span && rng.chance(0.4)) {
        const text = new TextDecoder("latin1").decode(c.h5.subarray(span[0], span[1]));
        const m = mutateJsonText(rng, text);
        const bytes = c.h5.slice();
        bytes.set(Uint8Array.from(m.text, (ch) => ch.charCodeAt(0) & 0xff), span[0]);
        let diff: { path: (string | number)[]; value: unknown } | null = null;
        try {
          const mutated = JSON.parse(m.text);
          const d = firstDifference(JSON.parse(text), mutated);
          diff = d ? keyedChange(mutated, d.path) : null;
        } catch { /* the edit broke the JSON */ }
        return {
          job: {
            ...base,
            mutation: `h5 model_config ${m.what}`,
            file: path,
            label: path,
            ...(diff ? { jsonPath: diff.path, jsonValue: diff.value } : {}),
          },
          bytes,
        };
      }
      const m = mutateBytes(rng, c.h5, H5_SIGNATURES);
      const payloadOnly = !m.truncated && insideRanges(m.changed, payloadRanges(c.h5));
      return {
        job: { ...base, mutation: `h5 ${m.what}`, file: path, label: path, payloadOnly },
        bytes: m.bytes,
      };
    }
    case "weights": {
      const path = file("weights.h5");
      const m = mutateBytes(rng, c.weights, H5_SIGNATURES);
      const payloadOnly = !m.truncated && insideRanges(m.changed, payloadRanges(c.weights));
      return {
        job: { ...base, mutation: `weights ${m.what}`, file: path, label: path, payloadOnly },
        bytes: m.bytes,
      };
    }
    case "config": {
      const path = file("json");
      const m = mutateJson(rng, c.config);
      const change = m.path && !m.deleted ? keyedChange(m.value, m.path) : null;
      return {
        job: {
          ...base,
          mutation: `config ${m.what}`,
          file: path,
          label: CONFIG_LABEL,
          jsonPath: change ? change.path : m.path,
          jsonValue: change ? change.value : m.newValue,
          jsonDeleted: m.deleted,
          cycleAt: m.cycleAt,
        },
        bytes: enc.encode(JSON.stringify(m.value)),
      };
    }
    case "npy": {
      const path = file("npy");
      const m = mutateNpy(rng, c.npy);
      return {
        job: { ...base, mutation: `npy ${m.what}`, file: path, label: path },
        bytes: m.bytes,
      };
    }
    case "predict": {
      const spec = rng.pick(PREDICT_SPECS);
      return {
        job: { ...base, mutation: `predict ${spec}`, label: PREDICT_LABEL, predictSpec: spec },
      };
    }
    case "cli": {
      const path = file("keras");
      const mutateModel = rng.chance(0.5);
      const model = mutateModel ? mutateKeras(rng, c) : { bytes: c.keras, what: "original model" };
      const npy = mutateModel ? { bytes: c.npy, what: "original input" } : mutateNpy(rng, c.npy);
      await Deno.mkdir(workDir, { recursive: true });
      await Deno.writeFile(`${workDir}/x.npy`, npy.bytes);
      return {
        job: {
          ...base,
          mutation: `cli ${model.what}; ${npy.what}`,
          file: path,
          label: `${path}|${workDir}/x.npy|${MODEL_LABEL}`,
        },
        bytes: model.bytes,
      };
    }
  }
}
