/**
 * Writes zip archives (PKWARE APPNOTE 4.3): a local header and the data of each entry, then the
 * central directory and the end-of-central-directory record. No zip64: archives past 4 GiB or
 * 65535 entries are refused.
 *
 * @module
 */
import { CENTRAL, crc32, EOCD, LOCAL, MAX32 } from "./_zip_entries.ts";

/** One entry for {@linkcode packZip}: its bytes as they go in the archive. */
export interface PackedEntry {
  /** Name inside the archive (written as UTF-8). */
  readonly name: string;
  /** The bytes stored in the archive: the data itself for method 0, deflated for method 8. */
  readonly packed: Uint8Array;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  /** CRC-32 of the unpacked bytes. */
  readonly crc: number;
  /** Unpacked size in bytes. */
  readonly size: number;
}

/** "Version needed to extract" 2.0: deflate, folders. Also written as "version made by" (MS-DOS). */
const VERSION = 20;
/** General-purpose flag bit 11: the name is UTF-8. */
const UTF8_NAME = 0x800;

/** MS-DOS time and date of `mtime` in local time, as zip headers hold them. */
export function dosDateTime(mtime: Date, label: string): { time: number; date: number } {
  const year = mtime.getFullYear();
  if (!(year >= 1980 && year <= 2107)) {
    throw new RangeError(
      `${label}: a zip archive records modification times from 1980 to 2107, got ${
        Number.isNaN(year) ? "an invalid date" : mtime.toISOString()
      }`,
    );
  }
  return {
    time: (mtime.getHours() << 11) | (mtime.getMinutes() << 5) | (mtime.getSeconds() >>> 1),
    date: ((year - 1980) << 9) | ((mtime.getMonth() + 1) << 5) | mtime.getDate(),
  };
}

/**
 * A zip archive of `entries` in the given order, every one with the modification time `mtime`.
 * Names are not checked here (`writeZip` does that).
 */
export function packZip(entries: readonly PackedEntry[], mtime: Date, label: string): Uint8Array {
  const { time, date } = dosDateTime(mtime, label);
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  let localBytes = 0;
  let centralBytes = 0;
  for (let i = 0; i < entries.length; i++) {
    localBytes += 30 + names[i].length + entries[i].packed.length;
    centralBytes += 46 + names[i].length;
    if (names[i].length > 0xffff) {
      throw new RangeError(`${label}: zip entry name of ${names[i].length} bytes (at most 65535)`);
    }
  }
  if (entries.length > 0xffff || localBytes + centralBytes > MAX32) {
    throw new RangeError(
      `${label}: ${entries.length} entries in ${
        localBytes + centralBytes
      } bytes need zip64 (more than 65535 entries or 4 GiB), which Kerno does not write`,
    );
  }
  const out = new Uint8Array(localBytes + centralBytes + 22);
  const view = new DataView(out.buffer);
  const offsets: number[] = [];
  let p = 0;
  const header = (signature: number, e: PackedEntry, flags: number) => {
    view.setUint32(p, signature, true);
    if (signature === CENTRAL) {
      view.setUint16(p + 4, VERSION, true);
      p += 2;
    }
    view.setUint16(p + 4, VERSION, true);
    view.setUint16(p + 6, flags, true);
    view.setUint16(p + 8, e.method, true);
    view.setUint16(p + 10, time, true);
    view.setUint16(p + 12, date, true);
    view.setUint32(p + 14, e.crc, true);
    view.setUint32(p + 18, e.packed.length, true);
    view.setUint32(p + 22, e.size, true);
    p += 26;
  };
  for (let i = 0; i < entries.length; i++) {
    const name = names[i];
    const flags = name.some((b) => b >= 0x80) ? UTF8_NAME : 0;
    offsets.push(p);
    header(LOCAL, entries[i], flags);
    view.setUint16(p, name.length, true); // extra field length stays 0
    p += 4;
    out.set(name, p);
    p += name.length;
    out.set(entries[i].packed, p);
    p += entries[i].packed.length;
  }
  const centralAt = p;
  for (let i = 0; i < entries.length; i++) {
    const name = names[i];
    const flags = name.some((b) => b >= 0x80) ? UTF8_NAME : 0;
    header(CENTRAL, entries[i], flags);
    view.setUint16(p, name.length, true);
    // Extra and comment lengths, disk number, internal and external attributes stay 0.
    view.setUint32(p + 14, offsets[i], true);
    p += 18;
    out.set(name, p);
    p += name.length;
  }
  view.setUint32(p, EOCD, true);
  view.setUint16(p + 8, entries.length, true);
  view.setUint16(p + 10, entries.length, true);
  view.setUint32(p + 12, p - centralAt, true);
  view.setUint32(p + 16, centralAt, true);
  return out;
}

/** The stored (uncompressed) zip entry of `data`. */
export function storedEntry(name: string, data: Uint8Array): PackedEntry {
  return { name, packed: data, method: 0, crc: crc32(data), size: data.length };
}
