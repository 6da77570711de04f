/** One entry of a zip archive's central directory. */
export interface ZipEntry {
  /** Name inside the archive. */
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  /** General-purpose flags (bit 0: encrypted). */
  readonly flags: number;
  /** CRC-32 of the inflated bytes. */
  readonly crc: number;
  /** Bytes in the archive. */
  readonly compressedSize: number;
  /** Bytes once inflated, as declared. */
  readonly size: number;
  /** Offset of the entry's data in the archive. */
  readonly dataAt: number;
}

/** Signature of the end of central directory record. */
export const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
/** Signature of a central directory header. */
export const CENTRAL = 0x02014b50;
/** Signature of a local file header. */
export const LOCAL = 0x04034b50;
/** A 32-bit size or offset field that says "see the zip64 record". */
export const MAX32 = 0xffffffff;

function corrupted(label: string, what: string): TypeError {
  return new TypeError(`${label}: truncated or corrupted zip archive (${what})`);
}

function u64(view: DataView, at: number): number {
  const n = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
  return n;
}

function findEnd(view: DataView, label: string): number {
  const last = view.byteLength - 22;
  for (let p = last; p >= 0 && p >= last - 65535; p--) {
    if (view.getUint32(p, true) === EOCD) return p;
  }
  throw corrupted(label, "no end-of-central-directory record");
}

/**
 * Reads the central directory of a zip archive: every entry with where its data is, all offsets
 * and sizes checked against the archive's length (zip64 included). Nothing is inflated.
 */
export function listZipEntries(bytes: Uint8Array, label: string): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 22) throw corrupted(label, `${bytes.length} bytes`);
  const end = findEnd(view, label);
  let count = view.getUint16(end + 10, true);
  let cdSize = view.getUint32(end + 12, true);
  let cdAt = view.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === MAX32 || cdAt === MAX32) {
    const loc = end - 20;
    if (loc < 0 || view.getUint32(loc, true) !== EOCD64_LOCATOR) {
      throw corrupted(label, "zip64 sizes without a zip64 locator");
    }
    const at = u64(view, loc + 8);
    if (at + 56 > bytes.length || view.getUint32(at, true) !== EOCD64) {
      throw corrupted(label, "bad zip64 end record");
    }
    count = u64(view, at + 32);
    cdSize = u64(view, at + 40);
    cdAt = u64(view, at + 48);
  }
  if (cdAt + cdSize > bytes.length || count * 46 > cdSize) {
    throw corrupted(
      label,
      `the central directory (${count} entries, ${cdSize} bytes at ${cdAt}) does not fit in ${bytes.length} bytes`,
    );
  }
  const entries: ZipEntry[] = [];
  let p = cdAt;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdAt + cdSize || view.getUint32(p, true) !== CENTRAL) {
      throw corrupted(label, `central directory entry ${i} is damaged`);
    }
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    let compressedSize = view.getUint32(p + 20, true);
    let size = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    let localAt = view.getUint32(p + 42, true);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cdAt + cdSize) throw corrupted(label, `central directory entry ${i} is damaged`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        const take = (): number => {
          if (q + 8 > e + 4 + len) throw corrupted(label, `zip64 field of entry "${name}"`);
          const v = u64(view, q);
          q += 8;
          return v;
        };
        if (size === MAX32) size = take();
        if (compressedSize === MAX32) compressedSize = take();
        if (localAt === MAX32) localAt = take();
      }
      e += 4 + len;
    }
    if (localAt + 30 > bytes.length || view.getUint32(localAt, true) !== LOCAL) {
      throw corrupted(label, `entry "${name}" has no local header at ${localAt}`);
    }
    const dataAt = localAt + 30 + view.getUint16(localAt + 26, true) +
      view.getUint16(localAt + 28, true);
    if (dataAt + compressedSize > bytes.length) {
      throw corrupted(
        label,
        `entry "${name}" needs ${compressedSize} bytes at ${dataAt}, past the end (${bytes.length})`,
      );
    }
    entries.push({ name, method, flags, crc, compressedSize, size, dataAt });
    p = next;
  }
  return entries;
}

let crcTable: Int32Array | null = null;

/** CRC-32 (IEEE, as zip uses) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Int32Array(256 * 4);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
    for (let n = 0; n < 256; n++) {
      for (let t = 1; t < 4; t++) {
        const prev = crcTable[(t - 1) * 256 + n];
        crcTable[t * 256 + n] = crcTable[prev & 0xff] ^ (prev >>> 8);
      }
    }
  }
  const T = crcTable;
  let c = -1;
  let i = 0;
  const n4 = bytes.length - (bytes.length % 4);
  for (; i < n4; i += 4) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^
      T[c >>> 24];
  }
  for (; i < bytes.length; i++) c = T[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
