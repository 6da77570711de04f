/**
 * Writes `bytes` to `path` atomically: first to `path + ".tmp-<random>"`, then renamed over
 * `path`. On any error the temporary file is removed and `path` is left as it was.
 *
 * @example
 * ```ts ignore
 * await writeFileAtomic("model.keras", bytes);
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const suffix = Array.from(
    crypto.getRandomValues(new Uint8Array(6)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const tmp = `${path}.tmp-${suffix}`;
  try {
    await Deno.writeFile(tmp, bytes, { createNew: true });
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
