/**
 * Test helpers: where the Keras fixtures are, and an output check with the fixtures' tolerance.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";

/** The repository root. */
export const REPO_ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** The Keras 3.15.1 reference cases (`tests/fixtures/keras`). */
export const KERAS_FIXTURES = `${REPO_ROOT}tests/fixtures/keras`;

/** The real-world model files, read in place from `shared/` beside the checkout. */
export const WILD_FIXTURES: string = decodeURIComponent(
  new URL("../../../shared/fixtures/keras-wild", import.meta.url).pathname,
);

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * `name` and `ignore` for a test that reads `path` outside the repository (the keras-wild
 * files): when `path` is missing the test is skipped with the reason in its name, except under
 * `CI=true`, where it runs and fails on the missing data.
 */
export function needsOutsideData(name: string, path: string): { name: string; ignore: boolean } {
  const ci = Deno.permissions.querySync({ name: "env", variable: "CI" }).state === "granted" &&
    Deno.env.get("CI") === "true";
  if (exists(path) || ci) return { name, ignore: false };
  return {
    name: `${name} (skipped: ${path} not found; CI=true makes this a failure)`,
    ignore: true,
  };
}

/** The case folders of a fixture directory, sorted. */
export function caseNames(dir: string): string[] {
  if (!exists(dir)) return [];
  return [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
}

/** Reads `<dir>/<name>/case.json`. */
export function readCaseJson(dir: string, name: string): Record<string, unknown> {
  return JSON.parse(Deno.readTextFileSync(`${dir}/${name}/case.json`));
}

/** Flattens a nested `predict()` result into its tensors, depth first. */
export function flatTensors(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(flatTensors);
  throw new TypeError(`predict returned ${String(value)}`);
}

/** A fixture array (`{shape, dtype, data}`) as a tensor. */
export function fixtureTensor(a: { shape: number[]; dtype?: string; data: number[] }): Tensor {
  return a.dtype === "int32"
    ? new Tensor(Int32Array.from(a.data), a.shape)
    : new Tensor(Float32Array.from(a.data), a.shape);
}

/** Fixture arrays of a case. */
export interface CaseArrays {
  /** Model inputs. */
  inputs: { shape: number[]; dtype?: string; data: number[] }[];
  /** Expected outputs, flat. */
  outputs: { shape: number[]; data: number[] }[];
}

/**
 * Runs `model` on the case inputs and returns the largest |got − want|, throwing when any
 * element is outside `1e-5 + 1e-5·|want|` or a shape differs.
 */
export function checkOutputs(
  model: { predict(x: Tensor | Tensor[]): unknown },
  inputs: CaseArrays["inputs"],
  outputs: CaseArrays["outputs"],
): number {
  const xs = inputs.map(fixtureTensor);
  const got = flatTensors(model.predict(xs.length === 1 ? xs[0] : xs));
  if (got.length !== outputs.length) {
    throw new Error(`expected ${outputs.length} outputs, got ${got.length}`);
  }
  let max = 0;
  outputs.forEach((want, i) => {
    if (got[i].shape.join() !== want.shape.join()) {
      throw new Error(`output ${i}: shape [${got[i].shape}] != [${want.shape}]`);
    }
    want.data.forEach((w, j) => {
      const d = Math.abs(got[i].data[j] - w);
      max = Math.max(max, d);
      if (!(d <= 1e-5 + 1e-5 * Math.abs(w))) {
        throw new Error(`output ${i}[${j}]: got ${got[i].data[j]}, want ${w}`);
      }
    });
  });
  return max;
}
