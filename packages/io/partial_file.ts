/**
 * {@linkcode PartialFile}: a file written in pieces under a temporary name beside its target and
 * renamed into place only when complete; {@linkcode removeStalePartials} clears what a killed
 * run left behind.
 *
 * @module
 */

/** The suffix of temporary files: `y.npy.kerno-partial-0a1b2c3d4e5f`. */
const PARTIAL = /\.kerno-partial-[0-9a-f]{12}$/;

function randomHex(bytes: number): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(bytes)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/**
 * A file being written: it lives as `<path>.kerno-partial-<random>` next to `path`, holds an
 * exclusive advisory lock while open (so {@linkcode removeStalePartials} in another run leaves
 * it alone), and becomes `path` only on {@linkcode PartialFile.commit}. Until then `path` is
 * untouched; {@linkcode PartialFile.abort} removes the temporary file.
 *
 * @example
 * ```ts ignore
 * const f = await PartialFile.create("y.npy");
 * try {
 *   await f.write(header);
 *   await f.write(rows);
 *   await f.commit();
 * } catch (e) {
 *   await f.abort();
 *   throw e;
 * }
 * ```
 */
export class PartialFile {
  /** The final path. */
  readonly path: string;
  /** The temporary path written until {@linkcode PartialFile.commit}. */
  readonly tempPath: string;
  #file: Deno.FsFile | null;

  private constructor(path: string, tempPath: string, file: Deno.FsFile) {
    this.path = path;
    this.tempPath = tempPath;
    this.#file = file;
  }

  /** Creates the locked temporary file for `path` (its folder must exist). */
  static async create(path: string): Promise<PartialFile> {
    for (;;) {
      const tempPath = `${path}.kerno-partial-${randomHex(6)}`;
      const file = await Deno.open(tempPath, { write: true, createNew: true });
      file.lockSync(true);
      // A cleaner in another run may have removed the file between its creation and the lock.
      if ((await file.stat()).nlink !== 0) return new PartialFile(path, tempPath, file);
      file.close();
    }
  }

  /** Appends all of `bytes`. */
  async write(bytes: Uint8Array): Promise<void> {
    const file = this.#open();
    for (let off = 0; off < bytes.length;) off += await file.write(bytes.subarray(off));
  }

  /** Flushes, closes and renames the file into place (replacing what `path` held). */
  async commit(): Promise<void> {
    const file = this.#open();
    this.#file = null;
    try {
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(this.tempPath, this.path);
  }

  /** Closes and removes the temporary file; `path` keeps what it held. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.#file) {
      this.#file.close();
      this.#file = null;
    }
    await Deno.remove(this.tempPath).catch(() => {});
  }

  #open(): Deno.FsFile {
    if (!this.#file) throw new Error(`${this.tempPath}: already committed or aborted`);
    return this.#file;
  }
}

/**
 * Removes the temporary files of {@linkcode PartialFile}s in `dir` that no running process
 * holds (what a killed run left behind); files being written by another run are kept. Resolves
 * with the paths removed.
 */
export async function removeStalePartials(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !PARTIAL.test(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch {
      continue;
    }
    try {
      if (file.tryLockSync(true)) {
        await Deno.remove(path);
        removed.push(path);
      }
    } catch {
      // Gone already, or not ours to remove: leave it.
    } finally {
      file.close();
    }
  }
  return removed;
}
