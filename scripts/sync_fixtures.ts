/**
 * `deno task sync-fixtures [--check] [--set NAME | --from DIR --to DIR]`: copies the Keras
 * reference fixture sets (`../shared/fixtures/<set>/` beside the checkout, for each set of
 * {@linkcode FIXTURE_SETS}) into `tests/fixtures/<set>/`, every file byte for byte (`case.json`,
 * `model.keras`, `model.h5`, `model.weights.h5`, the JSON indexes), and removes files the source
 * no longer has. `keras-wild` is never copied. `--set` syncs one set; `--from`/`--to` one pair of
 * folders.
 *
 * With `--check` nothing is written: the script lists what differs and exits with code 1 when
 * the copy is out of date.
 *
 * @module
 */

/** What a sync has to do to make `to` equal `from`. */
export interface SyncPlan {
  /** Files (relative paths, `/`-separated) missing from the copy. */
  add: string[];
  /** Files present in both whose bytes differ. */
  update: string[];
  /** Files in the copy that the source does not have. */
  remove: string[];
  /** Files already identical. */
  same: number;
}

/** Directory names that are never copied, wherever they appear. */
const EXCLUDED = new Set(["keras-wild"]);

const repoRoot = new URL("../", import.meta.url);

/** The fixture sets copied by default: `keras` (recurrent layers) and `keras-layers` (the rest). */
export const FIXTURE_SETS: readonly string[] = ["keras", "keras-layers"];

/** Where a set comes from (`../shared/fixtures/<set>/`) and goes (`tests/fixtures/<set>/`). */
export function setFolders(set: string): { from: string; to: string } {
  if (!FIXTURE_SETS.includes(set)) {
    throw new RangeError(
      `Unknown fixture set "${set}": expected one of ${FIXTURE_SETS.join(", ")}`,
    );
  }
  return {
    from: decodeURIComponent(new URL(`../shared/fixtures/${set}/`, repoRoot).pathname),
    to: decodeURIComponent(new URL(`tests/fixtures/${set}/`, repoRoot).pathname),
  };
}

/** The default source: `../shared/fixtures/keras/` relative to the repository root. */
export const DEFAULT_FROM: string = decodeURIComponent(
  new URL("../shared/fixtures/keras/", repoRoot).pathname,
);

/** The default destination: `tests/fixtures/keras/` in the repository. */
export const DEFAULT_TO: string = decodeURIComponent(
  new URL("tests/fixtures/keras/", repoRoot).pathname,
);

/** Lists every file under `root` as sorted relative paths, skipping excluded directories. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(root, rel))) {
      if (EXCLUDED.has(entry.name)) continue;
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile) out.push(path);
      else if (entry.isSymlink) {
        const info = await Deno.stat(join(root, path));
        if (info.isDirectory) await walk(path);
        else out.push(path);
      }
    }
  };
  try {
    await walk("");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return out.sort();
}

function join(root: string, rel: string): string {
  if (rel === "") return root;
  return root.endsWith("/") ? root + rel : `${root}/${rel}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares the two trees and says what a sync would add, update and remove. */
export async function planSync(from: string, to: string): Promise<SyncPlan> {
  const source = await listFiles(from);
  if (source.length === 0) {
    throw new Error(`No fixtures found in ${from} (expected case folders and index.json)`);
  }
  const target = new Set(await listFiles(to));
  const plan: SyncPlan = { add: [], update: [], remove: [], same: 0 };
  for (const rel of source) {
    if (!target.has(rel)) {
      plan.add.push(rel);
      continue;
    }
    target.delete(rel);
    const [a, b] = await Promise.all([
      Deno.readFile(join(from, rel)),
      Deno.readFile(join(to, rel)),
    ]);
    if (sameBytes(a, b)) plan.same++;
    else plan.update.push(rel);
  }
  plan.remove = [...target].sort();
  return plan;
}

async function writeCopy(from: string, to: string, rel: string): Promise<void> {
  const dest = join(to, rel);
  const slash = dest.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(dest.slice(0, slash), { recursive: true });
  // The source files are read-only; write fresh bytes instead of copying the mode bits, and
  // remove an old copy first in case it was made read-only.
  await Deno.remove(dest).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.writeFile(dest, await Deno.readFile(join(from, rel)));
}

async function removeEmptyDirs(root: string, rel = ""): Promise<boolean> {
  let empty = true;
  for await (const entry of Deno.readDir(join(root, rel))) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory && await removeEmptyDirs(root, path)) {
      await Deno.remove(join(root, path));
    } else empty = false;
  }
  return empty;
}

/** Carries out a plan: copies added and updated files, deletes removed ones. */
export async function applySync(from: string, to: string, plan: SyncPlan): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for (const rel of [...plan.add, ...plan.update]) await writeCopy(from, to, rel);
  for (const rel of plan.remove) await Deno.remove(join(to, rel));
  if (plan.remove.length > 0) await removeEmptyDirs(to);
}

/** A one-line account of a plan: `12 to add, 0 to update, 1 to remove, 430 unchanged`. */
export function describePlan(plan: SyncPlan): string {
  return `${plan.add.length} to add, ${plan.update.length} to update, ${plan.remove.length} ` +
    `to remove, ${plan.same} unchanged`;
}

const USAGE = "Usage: sync_fixtures.ts [--check] [--set NAME | --from DIR --to DIR]";

function parseArgs(args: string[]): { check: boolean; pairs: { from: string; to: string }[] } {
  let check = false;
  let from: string | undefined;
  let to: string | undefined;
  const sets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--check") check = true;
    else if (a === "--from" && i + 1 < args.length) from = args[++i];
    else if (a === "--to" && i + 1 < args.length) to = args[++i];
    else if (a === "--set" && i + 1 < args.length) sets.push(args[++i]);
    else throw new RangeError(`Unknown argument "${a}". ${USAGE}`);
  }
  if (from !== undefined || to !== undefined) {
    if (sets.length > 0) {
      throw new RangeError(`--set cannot be combined with --from/--to. ${USAGE}`);
    }
    return { check, pairs: [{ from: from ?? DEFAULT_FROM, to: to ?? DEFAULT_TO }] };
  }
  return { check, pairs: (sets.length > 0 ? sets : FIXTURE_SETS).map(setFolders) };
}

/** At most `limit` lines, then a count of the rest. */
function clip(lines: string[], limit = 20): string[] {
  if (lines.length <= limit) return lines;
  return [...lines.slice(0, limit), `  … and ${lines.length - limit} more`];
}

/** Runs the command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const { check, pairs } = parseArgs(args);
  let code = 0;
  for (const { from, to } of pairs) code = Math.max(code, await syncPair(from, to, check));
  return code;
}

async function syncPair(from: string, to: string, check: boolean): Promise<number> {
  const plan = await planSync(from, to);
  const changes = [
    ...plan.add.map((p) => `  add     ${p}`),
    ...plan.update.map((p) => `  update  ${p}`),
    ...plan.remove.map((p) => `  remove  ${p}`),
  ];
  if (check) {
    if (changes.length === 0) {
      console.log(`fixtures in sync: ${plan.same} files match ${from}`);
      return 0;
    }
    console.error(`fixtures out of sync with ${from} (${describePlan(plan)}):`);
    for (const line of clip(changes)) console.error(line);
    console.error("run `deno task sync-fixtures` to update the copy");
    return 1;
  }
  await applySync(from, to, plan);
  for (const line of clip(changes)) console.log(line);
  console.log(`synced ${from} -> ${to}: ${describePlan(plan)}`);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
