/**
 * The fuzz child: reads one job per line on stdin, runs it against Kerno, and writes one result
 * per line on stdout. Run by the campaign with a time limit and a memory watch (the campaign reads
 * the child's peak memory from /proc), with write access only to its scratch folder.
 *
 * @module
 */
import { loadModel, loadWeights, readNpy } from "@kerno/io";
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
  judged: "same" | "valid" | "suspect";
  note: string;
}

/** Judges a model that loaded: same outputs, a different but valid file, or unexplained. */
function judgeModel(job: Job, c: CaseJson, model: Model): Accept {
  const outs = flatOutputs(model, c.inputs.map(fixtureTensor));
  if (sameAsReference(c, outs)) return { judged: "same", note: "reference outputs" };
  if (job.payloadOnly) {
    return { judged: "valid", note: "only weight values changed: a valid file with other weights" };
  }
  if (job.jsonPath) {
    const config = JSON.parse(model.toJSON());
    const found = findValue(config, job.jsonPath, job.jsonValue);
    if (found) return { judged: "valid", note: `config value round-trips (${found})` };
  }
  return { judged: "suspect", note: "outputs differ and the change is not a plain value change" };
}

/** Whether the model's own config holds `value` under the last key of `path` (layer configs move). */
function findValue(config: unknown, path: readonly (string | number)[], value: unknown): string {
  const key = path[path.length - 1];
  const want = JSON.stringify(value);
  const stack: unknown[] = [config];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    if (!Array.isArray(v) && JSON.stringify((v as Record<string, unknown>)[key as string]) === want) {
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
      return { index: job.index, outcome: "accept", ...judgeModel(job, c, await loadModel(job.file!)) };
    case "weights": {
      const model = modelFromConfig(c.model_config);
      await loadWeights(model, job.file!);
      return { index: job.index, outcome: "accept", ...judgeModel(job, c, model) };
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
      return { index: job.index, outcome: "accept", ...judgeModel(job, c, model) };
    }
    case "npy": {
      const model = await loadModel(`${job.caseDir}/model.keras`);
      const x = readNpy(await Deno.readFile(job.file!), job.file!);
      const xs = c.inputs.map(fixtureTensor);
      xs[0] = x;
      const outs = flatOutputs(model, xs);
      if (sameAsReference(c, outs)) return { index: job.index, outcome: "accept", judged: "same", note: "" };
      return { index: job.index, outcome: "accept", judged: "valid", note: `a valid .npy of shape (${x.shape})` };
    }
    case "predict": {
      const model = await loadModel(`${job.caseDir}/model.keras`);
      const { value, limits } = buildPredictInput(job.predictSpec!, c.inputs.map(fixtureTensor));
      const out = model.predict(value as Tensor | NestedArray, { limits });
      const flat = (Array.isArray(out) ? out.flat(8) : [out]) as Tensor[];
      if (sameAsReference(c, flat)) return { index: job.index, outcome: "accept", judged: "same", note: "" };
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
      return { index: job.index, outcome: "accept", judged: "valid", note: "the CLI wrote its output" };
    }
  }
}

function describe(e: unknown): { name: string; message: string } {
  if (e instanceof Error) return { name: e.name, message: e.message.slice(0, 500) };
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
