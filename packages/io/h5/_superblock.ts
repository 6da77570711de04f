import { UNDEFINED_ADDRESS } from "./_bytes.ts";
import type { ByteView } from "./_bytes.ts";

/** HDF5's file signature, `\x89HDF\r\n\x1a\n`. */
export const HDF5_SIGNATURE: readonly number[] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the rest of the reader needs from the superblock. */
export interface H5Context {
  /** The file bytes. */
  readonly view: ByteView;
  /** Size of file addresses in bytes. */
  readonly offsetSize: number;
  /** Size of lengths in bytes. */
  readonly lengthSize: number;
  /** Base address that file addresses are relative to. */
  readonly base: number;
  /** Object header address of the root group. */
  readonly rootAddress: number;
}

/** Whether `bytes` starts with the HDF5 signature. */
export function hasHdf5Signature(bytes: Uint8Array, at = 0): boolean {
  if (bytes.length < at + 8) return false;
  return HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/** Finds and reads the superblock (at byte 0, or after a user block of 512, 1024, … bytes). */
export function readSuperblock(view: ByteView): H5Context {
  let at = -1;
  for (let p = 0; p + 8 <= view.bytes.length; p = p === 0 ? 512 : p * 2) {
    if (hasHdf5Signature(view.bytes, p)) {
      at = p;
      break;
    }
  }
  if (at < 0) {
    throw new TypeError(
      `${view.label}: not an HDF5 file (no "\\x89HDF\\r\\n\\x1a\\n" signature found)`,
    );
  }
  const version = view.u8(at + 8, "superblock version");
  if (version === 0 || version === 1) {
    const offsetSize = view.u8(at + 13, "superblock offset size");
    const lengthSize = view.u8(at + 14, "superblock length size");
    checkSizes(view, offsetSize, lengthSize);
    let p = at + 24 + (version === 1 ? 4 : 0);
    const base = view.uint(p, offsetSize, "base address");
    checkEnd(view, base, view.uint(p + 2 * offsetSize, offsetSize, "end-of-file address"));
    p += 4 * offsetSize; // base, free-space, end-of-file, driver info
    // Root group symbol table entry: link name offset, object header address, …
    const rootAddress = view.uint(p + offsetSize, offsetSize, "root group address");
    return { view, offsetSize, lengthSize, base: Math.max(0, base), rootAddress };
  }
  if (version === 2 || version === 3) {
    const offsetSize = view.u8(at + 9, "superblock offset size");
    const lengthSize = view.u8(at + 10, "superblock length size");
    checkSizes(view, offsetSize, lengthSize);
    const p = at + 12;
    const base = view.uint(p, offsetSize, "base address");
    checkEnd(view, base, view.uint(p + 2 * offsetSize, offsetSize, "end-of-file address"));
    const rootAddress = view.uint(p + 3 * offsetSize, offsetSize, "root group address");
    return { view, offsetSize, lengthSize, base: Math.max(0, base), rootAddress };
  }
  throw new TypeError(`${view.label}: unsupported HDF5 superblock version ${version}`);
}

/** Refuses a file shorter than its superblock says (cut short, or a corrupted address). */
function checkEnd(view: ByteView, base: number, end: number): void {
  if (end === UNDEFINED_ADDRESS) return;
  if (Math.max(0, base) + end > view.bytes.length) {
    throw new RangeError(
      `${view.label}: truncated or corrupted HDF5 file: the superblock says it ends at byte ${
        Math.max(0, base) + end
      }, the file has ${view.bytes.length} bytes`,
    );
  }
}

function checkSizes(view: ByteView, offsetSize: number, lengthSize: number): void {
  for (const [what, size] of [["offset", offsetSize], ["length", lengthSize]] as const) {
    if (size !== 2 && size !== 4 && size !== 8) {
      throw new TypeError(
        `${view.label}: corrupted HDF5 superblock: ${what} size ${size} (expected 2, 4 or 8)`,
      );
    }
  }
}
