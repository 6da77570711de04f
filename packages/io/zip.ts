import { currentLimits, type Limits, raiseHint, withLimits } from "@kerno/layers";
import { InflateLimitError, inflateRaw } from "./_inflate.ts";
import { crc32, listZipEntries, type ZipEntry } from "./_zip_entries.ts";
import { packZip, storedEntry } from "./_zip_writer.ts";

/** Magic bytes of a zip file (a local file header): `PK\x03\x04`. */
export const ZIP_SIGNATURE: readonly number[] = [0x50, 0x4b, 0x03, 0x04];

/** Whether `bytes` starts with the zip signature. */
export function hasZipSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ZIP_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Options of {@linkcode readZip}. */
export interface ReadZipOptions {
  /** Only unpack the entries this returns true for (every name is still validated). */
  want?: (name: string) => boolean;
  /**
   * Limits on top of the current ones: `maxEntryBytes` (inflated size of one entry) and
   * `maxCompressionRatio`, both checked on the size an entry declares before it is inflated
   * (inflating never writes past the declared size).
   */
  limits?: Partial<Limits>;
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
 * Unpacks a zip archive held in memory. Entry names with `..` or an absolute path, encrypted
 * entries, duplicate names, entries whose declared size passes `maxEntryBytes` or whose
 * compression ratio passes `maxCompressionRatio`, deflate data that inflates past its declared
 * size (it stops there, so a decompression bomb costs no more than the size it declares), CRC
 * mismatches, and truncated or corrupted archives are refused with an error that names `label`
 * and the entry. Stored entries are views of `bytes`.
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
  if (!hasZipSignature(bytes)) {
    throw new TypeError(`${label}: not a zip archive (it does not start with "PK\\x03\\x04")`);
  }
  return withLimits(options.limits, () => {
    const entries = listZipEntries(bytes, label);
    const out = new Map<string, Uint8Array>();
    const seen = new Set<string>();
    for (const entry of entries) {
      checkEntryName(entry.name, label);
      if (seen.has(entry.name)) {
        throw new TypeError(`${label}: zip entry "${entry.name}" appears twice`);
      }
      seen.add(entry.name);
      if (options.want && !options.want(entry.name)) continue;
      out.set(entry.name, unpackEntry(bytes, entry, label));
    }
    return out;
  });
}

/** Ratios are only checked past this many inflated bytes (small files compress well). */
const RATIO_FREE_BYTES = 2 ** 20;

function unpackEntry(bytes: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const where = `${label}: zip entry "${entry.name}"`;
  if (entry.flags & 1) throw new TypeError(`${where} is encrypted, which Kerno does not read`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new TypeError(
      `${where} uses compression method ${entry.method}; only stored and deflate are supported`,
    );
  }
  const limits = currentLimits();
  const tooBig = (n: number, how: string): RangeError =>
    new RangeError(
      `${where} ${how} ${n} bytes, more than allowed (${raiseHint("maxEntryBytes")})`,
    );
  const tooDense = (n: number, packed: number, how: string): RangeError =>
    new RangeError(
      `${where} ${how} ${n} bytes from ${packed} compressed bytes (ratio ${
        Math.round(n / Math.max(1, packed))
      }), a decompression bomb? (${raiseHint("maxCompressionRatio")})`,
    );
  if (entry.size > limits.maxEntryBytes) throw tooBig(entry.size, "declares");
  const packed = bytes.subarray(entry.dataAt, entry.dataAt + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.size !== entry.compressedSize) {
      throw new TypeError(
        `${where} is stored uncompressed but declares ${entry.size} bytes in ${entry.compressedSize}`,
      );
    }
    data = packed;
  } else {
    const dense = (n: number, packedBytes: number) =>
      n > RATIO_FREE_BYTES && n > limits.maxCompressionRatio * packedBytes;
    if (dense(entry.size, entry.compressedSize)) {
      throw tooDense(entry.size, entry.compressedSize, "declares");
    }
    // The output buffer is the declared size, checked above: a stream that inflates to more
    // stops there, having allocated nothing more.
    try {
      data = inflateRaw(packed, { maxBytes: entry.size, sizeHint: entry.size });
    } catch (e) {
      if (!(e instanceof InflateLimitError)) {
        throw new TypeError(`${where}: ${(e as Error).message}`);
      }
      if (dense(entry.size + 1, e.consumed)) {
        throw tooDense(entry.size, e.consumed, "inflates to more than");
      }
      throw new TypeError(`${where} inflates to more than the ${entry.size} bytes it declares`);
    }
    if (data.length !== entry.size) {
      throw new TypeError(`${where} inflates to ${data.length} bytes, but declares ${entry.size}`);
    }
  }
  if (crc32(data) !== entry.crc) {
    throw new TypeError(`${where} fails its CRC-32 check: the archive is corrupted`);
  }
  return data;
}

/**
 * Packs entries into a zip archive without compression (ZIP_STORED), as Keras writes `.keras`.
 * Entries keep the given order.
 */
export function writeZip(
  entries: Record<string, Uint8Array>,
  mtime: Date = new Date(),
): Uint8Array {
  const packed = Object.entries(entries).map(([name, data]) => {
    checkEntryName(name, "writeZip");
    return storedEntry(name, data);
  });
  return packZip(packed, mtime, "writeZip");
}
