/**
 * The fuzz child: reads one job per line on stdin, runs it against Kerno, and writes one result
 * per line on stdout. Run by the campaign with a time limit and a memory watch (the campaign reads
 * the child's peak memory from /proc), with write access only to its scratch folder.
 *
 * @module
 */
import { hasZipSignature, loadModel, loadWeights, readNpy, readZip } from "@kerno/io";
import { H5Dataset, readH5 } from "@kerno/io/h5";
import { type Model, modelFromConfig } from "@kerno/model";
import { type NestedArray, Tensor } from "@kerno/tensor";
import { main as cliMain } from "@kerno/cli";
import { type CaseJson, fixtureTensor, readCase } from "../_reference/case.ts";
import { compareValues } from "../_reference/compare.ts";
import type { Job, JobResult } from "./job.ts";
import { getAt } from "./mutate_json.ts";
import { buildPredictInput } from "./predict_specs.ts";

const cases = new Map<string, CaseJson>();

async function caseOf(dir: string): Promise<CaseJson> {
  let c = cases.get(dir);
  if (!c) {
    c = await readCase(dir);
    cases.set(dir, c);
  }
  return c;
}

function flatOutputs(model: Model, xs: Tensor[]): Tensor[] {
  return model.predictFlat(xs, { batchSize: xs[0]?.shape[0] || 1 });
}

/** Whether `got` are the reference outputs of the case. */
function sameAsReference(c: CaseJson, got: Tensor[]): boolean {
  if (got.length !== c.outputs.length) return false;
  return c.outputs.every((want, i) =>
    got[i].shape.length === want.shape.length &&
    got[i].shape.every((d, j) => d === want.shape[j]) &&
    compareValues(got[i].data, want.data).ok
  );
}

interface Accept {
  judged: "same" | "valid" | "suspect" | "unjudged";
  note: string;
}

/** The Python with h5py (Debian's python3-h5py lives in the system Python). */
const PYTHONS = ["/usr/bin/python3", "python3"];
const ORACLE = new URL("./oracle.py", import.meta.url).pathname;

interface OracleAnswer {
  available: boolean;
  ok?: boolean;
  error?: string;
  datasets?: Record<string, (number | null)[]>;
}

async function askOracle(file: string): Promise<OracleAnswer> {
  for (const python of PYTHONS) {
    try {
      const out = await new Deno.Command(python, {
        args: [ORACLE, file],
        stdout: "piped",
        stderr: "null",
      })
        .output();
      const answer = JSON.parse(new TextDecoder().decode(out.stdout)) as OracleAnswer;
      if (answer.available) return answer;
    } catch { /* try the next one */ }
  }
  return { available: false };
}

/** Kerno's own reading of every numeric dataset of a weights file (or a `.keras`'s). */
function kernoDatasets(bytes: Uint8Array, paths: string[]): Map<string, ArrayLike<number>> {
  const h5 = hasZipSignature(bytes) ? readZip(bytes, "x").get("model.weights.h5")! : bytes;
  const root = readH5(h5, "x");
  const out = new Map<string, ArrayLike<number>>();
  for (const p of paths) {
    const d = root.get(p);
    if (d instanceof H5Dataset) out.set(p, d.read() as ArrayLike<number>);
  }
  return out;
}

/**
 * Asks an independent reader (h5py and Python's zipfile) whether the accepted file is valid and
 * holds exactly the values Kerno read from it.
 */
async function judgeByOracle(file: string): Promise<Accept> {
  const answer = await askOracle(file);
  if (!answer.available) {
    return { judged: "unjudged", note: "no independent reader (python3 with h5py) to judge it" };
  }
  if (!answer.ok) {
    return { judged: "suspect", note: `h5py/zipfile refuse the file: ${answer.error}` };
  }
  const paths = Object.keys(answer.datasets ?? {});
  const ours = kernoDatasets(await Deno.readFile(file), paths);
  for (const p of paths) {
    const want = answer.datasets![p];
    const got = ours.get(p);
    if (!got || got.length !== want.length) {
      return { judged: "suspect", note: `Kerno reads ${p} differently` };
    }
    for (let i = 0; i < want.length; i++) {
      const w = want[i];
      const same = w === null ? Number.isNaN(got[i]) : Math.fround(w) === Math.fround(got[i]);
      if (!same) {
        return { judged: "suspect", note: `Kerno reads ${p}[${i}] as ${got[i]}, h5py as ${w}` };
      }
    }
  }
  return { judged: "valid", note: "h5py reads the same values: a valid file with other weights" };
}

/** Judges a model that loaded: same outputs, a different but valid file, or unexplained. */
async function judgeModel(job: Job, c: CaseJson, model: Model): Promise<Accept> {
  let outs: Tensor[];
  try {
    outs = flatOutputs(model, c.inputs.map(fixtureTensor));
  } catch (e) {
    throw Object.assign(e as Error, { phase: "run" });
  }
  if (sameAsReference(c, outs)) return { judged: "same", note: "reference outputs" };
  if (job.payloadOnly) {
    return { judged: "valid", note: "only weight values changed: a valid file with other weights" };
  }
  if (job.jsonPath) {
    const config = JSON.parse(model.toJSON());
    const found = findValue(config, job.jsonPath, job.jsonValue, job.jsonDeleted ?? false);
    if (found) return { judged: "valid", note: `config value round-trips (${found})` };
  }
  const bytesOnly = job.jsonPath === undefined && !job.mutation.includes("model_config");
  if (job.file && job.target !== "config" && bytesOnly) return await judgeByOracle(job.file);
  return { judged: "suspect", note: "outputs differ and the change is not a plain value change" };
}

/** Whether the model's own config holds `value` under the last key of `path` (layer configs move). */
function findValue(
  config: unknown,
  path: readonly (string | number)[],
  value: unknown,
  deleted: boolean,
): string {
  const key = path[path.length - 1];
  const want = JSON.stringify(value);
  const stack: unknown[] = [config];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    const own = (v as Record<string, unknown>)[key as string];
    // A deleted key, or null (Python's None), reads as the default Keras fills in.
    if (!Array.isArray(v) && (deleted || value === null) && own !== undefined) {
      return `${String(key)} filled in as ${JSON.stringify(own)}`;
    }
    // Keras writes a tuple argument given as a number as a list (pool_size=3 -> [3]).
    const asList = JSON.stringify([value]);
    if (!Array.isArray(v) && !deleted && [want, asList].includes(JSON.stringify(own))) {
      return `${String(key)} = ${want}`;
    }
    for (const child of Object.values(v)) stack.push(child);
  }
  return "";
}

async function runJob(job: Job): Promise<Omit<JobResult, "peakMiB" | "ms">> {
  const c = await caseOf(job.caseDir);
  switch (job.target) {
    case "keras":
    case "h5":
      return {
        index: job.index,
        outcome: "accept",
        ...await judgeModel(job, c, await loadModel(job.file!)),
      };
    case "weights": {
      const model = modelFromConfig(c.model_config);
      await loadWeights(model, job.file!);
      return { index: job.index, outcome: "accept", ...await judgeModel(job, c, model) };
    }
    case "config": {
      const config = JSON.parse(await Deno.readTextFile(job.file!));
      if (job.cycleAt) {
        const parentPath = job.cycleAt.slice(0, -1);
        const parent = getAt(config, parentPath) as Record<string | number, unknown>;
        if (parent && typeof parent === "object" && job.cycleAt.length > 0) {
          parent[job.cycleAt[job.cycleAt.length - 1]] = parent;
        }
      }
      const model = modelFromConfig(config);
      try {
        model.setWeights(c.weights.map(fixtureTensor));
      } catch {
        return { index: job.index, outcome: "accept", judged: "valid", note: "a different model" };
      }
      return { index: job.index, outcome: "accept", ...await judgeModel(job, c, model) };
    }
    case "npy": {
      const model = await loadModel(`${job.caseDir}/model.keras`);
      const x = readNpy(await Deno.readFile(job.file!), job.file!);
      const xs = c.inputs.map(fixtureTensor);
      xs[0] = x;
      let outs: Tensor[];
      try {
        outs = flatOutputs(model, xs);
      } catch (e) {
        throw Object.assign(e as Error, { phase: "run" });
      }
      if (sameAsReference(c, outs)) {
        return { index: job.index, outcome: "accept", judged: "same", note: "" };
      }
      return {
        index: job.index,
        outcome: "accept",
        judged: "valid",
        note: `a valid .npy of shape (${x.shape})`,
      };
    }
    case "predict": {
      const model = await loadModel(`${job.caseDir}/model.keras`);
      const { value, limits } = buildPredictInput(job.predictSpec!, c.inputs.map(fixtureTensor));
      const out = model.predict(value as Tensor | NestedArray, { limits });
      const flat = (Array.isArray(out) ? out.flat(8) : [out]) as Tensor[];
      if (sameAsReference(c, flat)) {
        return { index: job.index, outcome: "accept", judged: "same", note: "" };
      }
      const ok = flat.every((t) => t instanceof Tensor && t.shape.length > 0);
      return {
        index: job.index,
        outcome: "accept",
        judged: ok ? "valid" : "suspect",
        note: ok ? "numeric input of an accepted shape" : "outputs are not tensors",
      };
    }
    case "cli": {
      const out = `${job.workDir}/y.npz`;
      const err: string[] = [];
      const code = await cliMain(
        ["predict", "-m", job.file!, "-i", `${job.workDir}/x.npy`, "-o", out, "-w", "1", "-q"],
        { stdout: { write: () => {} }, stderr: { write: (t) => err.push(t) } },
      );
      if (code !== 0) {
        const line = err.join("").trim();
        return { index: job.index, outcome: "error", name: "CliError", message: line };
      }
      return {
        index: job.index,
        outcome: "accept",
        judged: "valid",
        note: "the CLI wrote its output",
      };
    }
  }
}

function describe(e: unknown): { name: string; message: string; phase?: "run" } {
  if (e instanceof Error) {
    const phase = (e as { phase?: "run" }).phase;
    return { name: e.name, message: e.message.slice(0, 500), ...(phase ? { phase } : {}) };
  }
  return { name: typeof e, message: String(e).slice(0, 500) };
}

const decoder = new TextDecoder();
let pending = "";
for await (const chunk of Deno.stdin.readable) {
  pending += decoder.decode(chunk, { stream: true });
  let nl: number;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.trim() === "") continue;
    const job = JSON.parse(line) as Job;
    const t0 = performance.now();
    let result: Omit<JobResult, "peakMiB" | "ms">;
    try {
      result = await runJob(job);
    } catch (e) {
      result = { index: job.index, outcome: "error", ...describe(e) };
    }
    const full: JobResult = { ...result, peakMiB: 0, ms: Math.round(performance.now() - t0) };
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(full) + "\n"));
  }
}
