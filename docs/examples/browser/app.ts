/**
 * The example page's module: loads `model.keras` with Kerno, runs `model.predict` and a 2-worker
 * pool on `input.npy`, shows the result, and leaves a report in `globalThis.kernoReport` for
 * `tests/browser_test.ts`. Build it with `deno task build:browser`.
 *
 * @module
 */
import { loadModel, modelFromBytes, saveModel, WorkerPool } from "@kerno/kerno";
import { type ExampleReport, runExample } from "./example.ts";

/** The report plus what the browser says for things that must fail with a clear message. */
export interface PageReport extends ExampleReport {
  /** `crossOriginIsolated` of the page. */
  isolated: boolean;
  /** The error of `loadModel("model.keras")` (a file path, which needs Deno). */
  pathError: string;
  /** The error of `saveModel(model, "copy.keras")` (a file path too). */
  saveError: string;
  /** The error of a pool whose worker module is missing. */
  missingWorkerError: string;
}

async function messageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "(no error)";
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The parts of the page's globals used here (the project type-checks without the DOM lib). */
const page = globalThis as unknown as {
  crossOriginIsolated: boolean;
  document: { getElementById(id: string): { textContent: string | null } | null };
  kernoReport?: PageReport | { error: string };
};

function show(text: string): void {
  const out = page.document.getElementById("out");
  if (out) out.textContent += `${text}\n`;
}

async function main(): Promise<PageReport> {
  const here = new URL(".", location.href);
  show(`crossOriginIsolated: ${page.crossOriginIsolated}`);
  const report = await runExample(
    new URL("model.keras", here),
    new URL("input.npy", here),
    new URL("./worker.js", import.meta.url),
  );
  show(`model "${report.model}", outputs ${report.shapes.map((s) => `[${s}]`).join(" ")}`);
  show(`model.predict: ${report.millis.predict.toFixed(1)} ms`);
  if (report.pool) {
    const same = report.pool.every((bits, i) => bits === report.predict[i]);
    show(`pool of 2 workers: ${report.millis.pool!.toFixed(1)} ms, bit-identical: ${same}`);
  } else {
    show(`pool: ${report.poolError}`);
  }
  return {
    ...report,
    isolated: page.crossOriginIsolated,
    pathError: await messageOf(() => loadModel("model.keras")),
    saveError: await messageOf(async () => {
      const bytes = await (await fetch(new URL("model.keras", here))).arrayBuffer();
      await saveModel(modelFromBytes(new Uint8Array(bytes)), "copy.keras");
    }),
    missingWorkerError: await messageOf(() =>
      WorkerPool.create({ workers: 1, workerUrl: new URL("no_such_worker.js", here) })
    ),
  };
}

main().then(
  (report) => (page.kernoReport = report),
  (e) => {
    show(`failed: ${e instanceof Error ? e.stack : e}`);
    page.kernoReport = { error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) };
  },
);
