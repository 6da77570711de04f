/**
 * Runs one reference case end to end: build the model (from the chosen source), check its
 * structure, run the primary inputs and every extra run in order (resetting states where the
 * case says so), and compare every output with Keras's.
 *
 * @module
 */
import { readCase } from "./case.ts";
import { checkRun, errorText, resetAllStates } from "./check_outputs.ts";
import { checkStructure } from "./check_structure.ts";
import { formatDiff } from "./compare.ts";
import { loadCaseModel, type ModelSource, SourceUnavailableError } from "./load_case_model.ts";

/** The outcome of one case (or one errors/params entry). */
export interface CaseResult {
  /** Case name. */
  name: string;
  /** `pass`, `fail`, or `skip` (not counted as a failure). */
  status: "pass" | "fail" | "skip";
  /** Largest |got − want| over every compared output value. */
  maxAbsDiff: number;
  /** What went wrong (or why it was skipped). */
  problems: string[];
}

/** Options of {@linkcode runCase}. */
export interface RunCaseOptions {
  /** Where the model comes from (default `config`). */
  source?: ModelSource;
}

/** The report line: `PASS <case> max_abs_diff=<x>`, `FAIL <case> <reason>`, `SKIP <case> …`. */
export function formatResult(r: CaseResult): string {
  if (r.status === "pass") return `PASS ${r.name} max_abs_diff=${formatDiff(r.maxAbsDiff)}`;
  if (r.status === "skip") return `SKIP ${r.name} ${r.problems.join("; ")}`;
  const extra = r.problems.length > 3 ? ` (+${r.problems.length - 3} more)` : "";
  return `FAIL ${r.name} ${r.problems.slice(0, 3).join("; ")}${extra}`;
}

/** Runs the case in `caseDir` (a folder holding `case.json`). Never throws for a model error. */
export async function runCase(caseDir: string, options: RunCaseOptions = {}): Promise<CaseResult> {
  const name = caseDir.replace(/\/+$/, "").split("/").pop() ?? caseDir;
  const fail = (problems: string[], maxAbsDiff = 0): CaseResult => ({
    name,
    status: "fail",
    maxAbsDiff,
    problems,
  });
  let caseJson;
  try {
    caseJson = await readCase(caseDir);
  } catch (e) {
    return fail([`cannot read case.json: ${errorText(e)}`]);
  }
  let model;
  try {
    model = await loadCaseModel(caseDir, caseJson, options.source ?? "config");
  } catch (e) {
    if (e instanceof SourceUnavailableError) throw e;
    return fail([`building the model failed: ${errorText(e)}`]);
  }
  const problems: string[] = [];
  try {
    // A keras-wild case records the model Keras loaded from its file, so its paths are compared
    // in every mode; a reference fixture records the model built in code (see StructureCheckOptions).
    const loadedFromArchive = options.source === "keras";
    problems.push(...checkStructure(model, caseJson, { paths: !loadedFromArchive }));
  } catch (e) {
    problems.push(`structure check threw ${errorText(e)}`);
  }
  let maxAbsDiff = 0;
  const runs = [
    {
      inputs: caseJson.inputs,
      outputs: caseJson.outputs,
      before: null as string | null | undefined,
    },
    ...(caseJson.extra_runs ?? []),
  ];
  runs.forEach((run, i) => {
    const label = i === 0 ? "run 0" : `extra run ${i}`;
    if (run.before === "reset_states") {
      try {
        if (resetAllStates(model) === 0) problems.push(`${label}: no layer has resetStates()`);
      } catch (e) {
        problems.push(`${label}: resetStates() threw ${errorText(e)}`);
      }
    } else if (run.before) {
      problems.push(`${label}: unknown "before" step ${JSON.stringify(run.before)}`);
    }
    const r = checkRun(model, run.inputs, run.outputs, caseJson.output_structure, label);
    problems.push(...r.problems);
    maxAbsDiff = Math.max(maxAbsDiff, r.maxAbsDiff);
  });
  if (problems.length > 0) return fail(problems, maxAbsDiff);
  return { name, status: "pass", maxAbsDiff, problems: [] };
}
