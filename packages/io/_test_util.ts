/**
 * Test helpers: where the Keras fixtures are.
 *
 * @module
 */

/** The repository root. */
export const REPO_ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** The Keras 3.15.1 reference cases (`tests/fixtures/keras`). */
export const KERAS_FIXTURES = `${REPO_ROOT}tests/fixtures/keras`;

/** The real-world model files, read in place from `shared/` beside the checkout. */
export const WILD_FIXTURES = `${REPO_ROOT}../shared/fixtures/keras-wild`;

/** Whether a path exists. */
export function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
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
