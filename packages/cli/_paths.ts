/**
 * Checks of the files a command reads and writes, made before any work so a run never fails
 * at the end for a path it could have refused at the start.
 *
 * @module
 */
import { dirname } from "node:path";
import { UsageError } from "./_usage.ts";

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Throws when an input file is missing or not a file, naming it and its `--input` position. */
export async function checkInputFiles(paths: readonly string[]): Promise<void> {
  for (const [i, path] of paths.entries()) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`input file not found: ${path} (--input ${i + 1})`);
      }
      throw new Error(`cannot read input file ${path}: ${reason(e)}`, { cause: e });
    }
    if (!info.isFile) throw new Error(`input ${path} is not a file (--input ${i + 1})`);
  }
}

/**
 * How `outputs` are written: `"npz"` for a single `.npz`, else `"npy"` (one `.npy` each).
 * Throws a {@linkcode UsageError} for any other extension.
 */
export function outputFormat(outputs: readonly string[], command: string): "npy" | "npz" {
  if (outputs.length === 1 && /\.npz$/i.test(outputs[0])) return "npz";
  for (const path of outputs) {
    if (!/\.npy$/i.test(path)) {
      throw new UsageError(
        `--output ${path}: expected a .npy file per output (or a single .npz for all)`,
        command,
      );
    }
  }
  return "npy";
}

/** Throws when an output's folder is missing, or the output itself is a folder or repeated. */
export async function checkOutputFiles(paths: readonly string[]): Promise<void> {
  const seen = new Set<string>();
  for (const path of paths) {
    if (seen.has(path)) throw new Error(`output ${path} is given twice`);
    seen.add(path);
    const folder = dirname(path);
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(folder);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new Error(`output folder not found: ${folder} (for ${path})`);
      }
      throw new Error(`cannot use output folder ${folder}: ${reason(e)}`, { cause: e });
    }
    if (!info.isDirectory) throw new Error(`output folder ${folder} is not a folder (for ${path})`);
    const existing = await Deno.stat(path).catch(() => null);
    if (existing?.isDirectory) throw new Error(`output ${path} is a folder, expected a file`);
  }
}
