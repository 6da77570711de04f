/**
 * The reference-output suite over one folder: every case folder (a subfolder with `case.json`),
 * then the `errors.json` entries, then the `param_counts.json` entries, when those files exist.
 *
 * @module
 */
import { listCaseDirs } from "./case.ts";
import { checkErrorEntry, type ErrorEntry } from "./error_cases.ts";
import type { ModelSource } from "./load_case_model.ts";
import { checkParamEntry, type ParamEntry } from "./param_cases.ts";
import { type CaseResult, runCase } from "./run_case.ts";

/** Options of {@linkcode runSuite}. */
export interface SuiteOptions {
  /** Where case models come from (default `config`). */
  source?: ModelSource;
  /** Only entries whose name matches. */
  filter?: RegExp;
  /** Called after each entry, in order (for streaming report lines). */
  onResult?: (result: CaseResult) => void;
}

/** Totals of a suite run. */
export interface SuiteSummary {
  /** Every result, in run order. */
  results: CaseResult[];
  /** Entries that passed. */
  passed: number;
  /** Entries that failed. */
  failed: number;
  /** Entries skipped (no TS translation). */
  skipped: number;
}

/** The `errors.json` entries of `dir`, or [] when the file is absent. */
export async function readErrorEntries(dir: string): Promise<ErrorEntry[]> {
  return await readOptionalJson<ErrorEntry[]>(`${dir}/errors.json`) ?? [];
}

/** The `param_counts.json` entries of `dir`, or [] when the file is absent. */
export async function readParamEntries(dir: string): Promise<ParamEntry[]> {
  return await readOptionalJson<ParamEntry[]>(`${dir}/param_counts.json`) ?? [];
}

async function readOptionalJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** Runs everything in `dir` and returns the totals. */
export async function runSuite(dir: string, options: SuiteOptions = {}): Promise<SuiteSummary> {
  const summary: SuiteSummary = { results: [], passed: 0, failed: 0, skipped: 0 };
  const keep = (name: string) => !options.filter || options.filter.test(name);
  const record = (r: CaseResult) => {
    summary.results.push(r);
    if (r.status === "pass") summary.passed++;
    else if (r.status === "fail") summary.failed++;
    else summary.skipped++;
    options.onResult?.(r);
  };
  for (const name of (await listCaseDirs(dir)).filter(keep)) {
    record(await runCase(`${dir}/${name}`, { source: options.source }));
  }
  for (const entry of (await readErrorEntries(dir)).filter((e) => keep(e.name))) {
    record(await checkErrorEntry(entry));
  }
  for (const entry of (await readParamEntries(dir)).filter((e) => keep(e.name))) {
    record(checkParamEntry(entry));
  }
  return summary;
}
