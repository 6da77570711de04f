/**
 * Tests that read data kept outside the repository (`../shared/fixtures/keras-wild`, the
 * real-world model files, which are not ours to redistribute).
 *
 * @module
 */

/** The real-world Keras files, read in place from `shared/` beside the checkout. */
export const WILD_FIXTURES: string = decodeURIComponent(
  new URL("../../shared/fixtures/keras-wild", import.meta.url).pathname,
);

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function inCI(): boolean {
  return Deno.permissions.querySync({ name: "env", variable: "CI" }).state === "granted" &&
    Deno.env.get("CI") === "true";
}

/**
 * `name` and `ignore` for a test that reads `path`: when `path` is missing the test is skipped
 * with the reason in its name, except under `CI=true`, where it runs and fails on the missing
 * data.
 *
 * @example
 * ```ts ignore
 * Deno.test({ ...needsOutsideData("loads the wild files", WILD_FIXTURES), fn() {} });
 * ```
 */
export function needsOutsideData(name: string, path: string): { name: string; ignore: boolean } {
  if (exists(path) || inCI()) return { name, ignore: false };
  return {
    name: `${name} (skipped: ${path} not found; CI=true makes this a failure)`,
    ignore: true,
  };
}
