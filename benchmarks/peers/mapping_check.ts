/**
 * The mapping check: workload `id` at batch 4 with random biases (Keras's defaults, 0 and 1,
 * would hide a bias layout error) through every peer, compared with Kerno's output.
 *
 * @module
 */
import { Random, Tensor } from "@kerno/tensor";
import { type Workload, workload } from "../workloads.ts";
import { maxAbsDiff, peerCase } from "./case.ts";
import { kernoSingle } from "./kerno_runner.ts";
import type { Runner, RunnerFactory } from "./runner.ts";

/** Largest accepted max |diff| between a peer's output and Kerno's. */
export const TOLERANCE = 1e-4;

/** The first line of an error's message. */
export function describe(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0].slice(0, 160);
}

/** Sets every bias to uniform [-0.5, 0.5). */
export function randomizeBiases(w: Workload): void {
  const rng = new Random(7);
  w.model.setWeights(
    w.model.getWeights().map((t, i) => {
      if (i % 3 !== 2) return t;
      const data = new Float32Array(t.size);
      for (let j = 0; j < data.length; j++) data[j] = rng.uniform(-0.5, 0.5);
      return new Tensor(data, t.shape);
    }),
  );
}

/** Checks every peer on workload `id`, prints one line; returns a failure note per label. */
export async function mappingCheck(
  id: string,
  peers: readonly RunnerFactory[],
): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  const w = workload(id, 4);
  randomizeBiases(w);
  const ref = await kernoSingle(w).run();
  const c = peerCase(w);
  const shown: string[] = [];
  for (const f of peers) {
    let r: Runner | null = null;
    try {
      r = await f.create(c);
      const d = maxAbsDiff(await r.run(), ref);
      shown.push(`${r.label} ${d.toExponential(1)}`);
      if (!(d < TOLERANCE)) notes.set(f.label, `mapping check failed: max|diff| ${d}`);
    } catch (e) {
      shown.push(`${f.label} failed`);
      notes.set(f.label, `cannot run: ${describe(e)}`);
    } finally {
      await r?.dispose();
    }
  }
  console.log(`mapping check (batch 4, random biases), max|diff| vs kerno: ${shown.join(", ")}`);
  return notes;
}
