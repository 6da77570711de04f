import { unzipSync, zipSync } from "fflate";

/** Magic bytes of a zip file (a local file header): `PK\x03\x04`. */
export const ZIP_SIGNATURE: readonly number[] = [0x50, 0x4b, 0x03, 0x04];

/** Largest zip entry Kerno unpacks, in bytes (2 GiB). */
export const MAX_ZIP_ENTRY_BYTES = 2 ** 31;

/** Whether `bytes` starts with the zip signature. */
export function hasZipSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Options of {@linkcode readZip}. */
export interface ReadZipOptions {
  /** Only unpack the entries this returns true for (every name is still validated). */
  want?: (name: string) => boolean;
  /** Size limit per entry; larger declared sizes are refused. Default {@linkcode MAX_ZIP_ENTRY_BYTES}. */
  maxEntryBytes?: number;
}

/** Refuses an entry name that is absolute or climbs out of the archive. */
export function checkEntryName(name: string, label: string): void {
  const parts = name.split(/[\\/]/);
  if (
    name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name) ||
    parts.includes("..")
  ) {
    throw new TypeError(
      `${label}: refusing zip entry "${name}": absolute paths and ".." are not allowed in an archive`,
    );
  }
}

/**
 * Unpacks a zip archive held in memory. Entry names with `..` or an absolute path, declared sizes
 * above the limit, and truncated or corrupted archives are refused with an error that names
 * `label` and the entry.
 *
 * @example
 * ```ts
 * import { readZip, writeZip } from "@kerno/io";
 * const zip = writeZip({ "a.txt": new TextEncoder().encode("hi") });
 * readZip(zip, "test.zip").get("a.txt")?.length; // 2
 * ```
 */
export function readZip(
  bytes: Uint8Array,
  label = "<bytes>",
  options: ReadZipOptions = {},
): Map<string, Uint8Array> {
  const max = options.maxEntryBytes ?? MAX_ZIP_ENTRY_BYTES;
  if (!hasZipSignature(bytes)) {
    throw new TypeError(`${label}: not a zip archive (it does not start with "PK\\x03\\x04")`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        checkEntryName(file.name, label);
        const stored = file.compression === 0;
        if (file.originalSize > max || (stored && file.originalSize > bytes.length)) {
          throw new RangeError(
            `${label}: zip entry "${file.name}" declares ${file.originalSize} bytes, more than ${
              stored ? `the archive holds (${bytes.length})` : `the ${max}-byte limit`
            }`,
          );
        }
        if (file.compression !== 0 && file.compression !== 8) {
          throw new TypeError(
            `${label}: zip entry "${file.name}" uses compression method ${file.compression}; only stored and deflate are supported`,
          );
        }
        return options.want ? options.want(file.name) : true;
      },
    });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(label)) throw e;
    throw new TypeError(
      `${label}: truncated or corrupted zip archive (${(e as Error).message ?? String(e)})`,
    );
  }
  return new Map(Object.entries(files));
}

/**
 * Packs entries into a zip archive without compression (ZIP_STORED), as Keras writes `.keras`.
 * Entries keep the given order.
 */
export function writeZip(
  entries: Record<string, Uint8Array>,
  mtime: Date = new Date(),
): Uint8Array {
  const input: Record<string, [Uint8Array, { level: 0; mtime: Date }]> = {};
  for (const [name, data] of Object.entries(entries)) {
    checkEntryName(name, "writeZip");
    input[name] = [data, { level: 0, mtime }];
  }
  return zipSync(input, { level: 0, mtime });
}
