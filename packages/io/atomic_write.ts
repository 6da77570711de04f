import { fileSystemFor } from "./_source.ts";

/**
 * Writes `bytes` to `path` atomically: first to `path + ".tmp-<random>"`, then renamed over
 * `path`. On any error the temporary file is removed, `path` is left as it was, and the error
 * names `path` (never the temporary name). File paths need Deno: elsewhere it throws a
 * `TypeError` saying so, before anything is written.
 *
 * @example
 * ```ts ignore
 * await writeFileAtomic("model.keras", bytes);
 * ```
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const fs = fileSystemFor(path, "keep the bytes yourself (modelToBytes, weightsToBytes)");
  const suffix = Array.from(
    crypto.getRandomValues(new Uint8Array(6)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const tmp = `${path}.tmp-${suffix}`;
  try {
    await fs.writeFile(tmp, bytes, { createNew: true });
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.remove(tmp).catch(() => {});
    if (e instanceof Error) e.message = e.message.replaceAll(tmp, path);
    throw e;
  }
}
