/**
 * What the browser example computes, shared by the page (`app.ts`) and the test that compares the
 * page with Kerno in Deno (`tests/browser_test.ts`): load a `.keras` file and an `.npy` input,
 * run `model.predict` and a 2-worker `WorkerPool`, and return every output's bits.
 *
 * @module
 */
import { type FileSource, loadModel, readNpy, type Tensor, WorkerPool } from "@kerno/kerno";

/** What the example reports; outputs are base64 of their float32 bytes, so bits compare exactly. */
export interface ExampleReport {
  /** The model's name. */
  model: string;
  /** Shape of each flat output. */
  shapes: number[][];
  /** `model.predict(x)`, one base64 string per flat output. */
  predict: string[];
  /** `pool.predict(model, x)` with 2 workers, or `null` when the pool could not start. */
  pool: string[] | null;
  /** Why the pool could not start (e.g. the page is not cross-origin isolated). */
  poolError: string | null;
  /** Milliseconds of `model.predict` and of the pool's `predict`. */
  millis: { predict: number; pool: number | null };
}

/** A tensor's bytes as base64. */
export function bitsOf(t: Tensor): string {
  const data = t.data;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

function flat(y: unknown): Tensor[] {
  return Array.isArray(y) ? y.flatMap(flat) : [y as Tensor];
}

/**
 * Loads `model` and `input`, and runs them through `model.predict` and a 2-worker pool whose
 * worker module is `workerUrl` (the pool's default when undefined).
 *
 * @example
 * ```ts ignore
 * const report = await runExample(new URL("./model.keras", location.href),
 *   new URL("./input.npy", location.href), new URL("./worker.js", import.meta.url));
 * ```
 */
export async function runExample(
  model: FileSource,
  input: URL,
  workerUrl?: string | URL,
): Promise<ExampleReport> {
  const m = await loadModel(model);
  const response = await fetch(input);
  if (!response.ok) throw new Error(`${input.href}: the server answered ${response.status}`);
  const x = readNpy(new Uint8Array(await response.arrayBuffer()), input.href);
  let t0 = performance.now();
  const predicted = flat(m.predict(x));
  const millis: ExampleReport["millis"] = { predict: performance.now() - t0, pool: null };
  let pool: string[] | null = null;
  let poolError: string | null = null;
  try {
    await using workers = await WorkerPool.create({ workers: 2, workerUrl });
    t0 = performance.now();
    pool = flat(await workers.predict(m, x)).map(bitsOf);
    millis.pool = performance.now() - t0;
  } catch (e) {
    poolError = e instanceof Error ? e.message : String(e);
  }
  return {
    model: m.name,
    shapes: predicted.map((t) => [...t.shape]),
    predict: predicted.map(bitsOf),
    pool,
    poolError,
    millis,
  };
}
