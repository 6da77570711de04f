/**
 * Writes a file atomically: the bytes go to a temporary file in the same directory, which is then
 * renamed over the target, so a reader sees the old file or the whole new one, never a part.
 *
 * @module
 */

function siblingTemp(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  const tag = `${Deno.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return `${dir}.${base}.${tag}.tmp`;
}

/**
 * Writes `bytes` to `path` through a temporary sibling file and a rename. On failure the
 * temporary file is removed and the target is left as it was.
 *
 * @example
 * ```ts ignore
 * await writeFileAtomic("out.npy", writeNpy(y));
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = siblingTemp(path);
  try {
    await Deno.writeFile(temp, bytes, { createNew: true });
    await Deno.rename(temp, path);
  } catch (e) {
    await Deno.remove(temp).catch(() => {});
    throw e;
  }
}
