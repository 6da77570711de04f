/**
 * Bounds-checked little-endian reads over a file's bytes, for the HDF5 reader. Every read names
 * the file, the offset and what was being read when the file is too short.
 *
 * @module
 */

/** An HDF5 "undefined address" (all bits set), as a JS number it is never a valid offset. */
export const UNDEFINED_ADDRESS = -1;

/** Random-access reads at absolute byte offsets. */
export class ByteView {
  /** The whole file. */
  readonly bytes: Uint8Array;
  /** Name used in error messages (a path, or `<bytes>`). */
  readonly label: string;
  readonly #view: DataView;

  /** Wraps `bytes` (not copied). */
  constructor(bytes: Uint8Array, label: string) {
    this.bytes = bytes;
    this.label = label;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless `[offset, offset + length)` lies inside the file. */
  check(offset: number, length: number, what: string): void {
    if (
      !Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 ||
      length < 0 || offset + length > this.bytes.length
    ) {
      throw new RangeError(
        `${this.label}: truncated or corrupted HDF5 file: ${what} needs bytes ${offset}..${
          offset + length
        }, but the file has ${this.bytes.length} bytes`,
      );
    }
  }

  /** Unsigned byte. */
  u8(offset: number, what: string): number {
    this.check(offset, 1, what);
    return this.bytes[offset];
  }

  /** Unsigned 16-bit integer. */
  u16(offset: number, what: string): number {
    this.check(offset, 2, what);
    return this.#view.getUint16(offset, true);
  }

  /** Unsigned 32-bit integer. */
  u32(offset: number, what: string): number {
    this.check(offset, 4, what);
    return this.#view.getUint32(offset, true);
  }

  /**
   * Unsigned integer of `size` bytes (1, 2, 4 or 8). An all-ones value (HDF5's undefined address)
   * gives {@linkcode UNDEFINED_ADDRESS}; values above 2^53 are refused.
   */
  uint(offset: number, size: number, what: string): number {
    this.check(offset, size, what);
    switch (size) {
      case 1:
        return this.bytes[offset];
      case 2:
        return this.#view.getUint16(offset, true);
      case 4: {
        const v = this.#view.getUint32(offset, true);
        return v === 0xffffffff ? UNDEFINED_ADDRESS : v;
      }
      case 8: {
        const lo = this.#view.getUint32(offset, true);
        const hi = this.#view.getUint32(offset + 4, true);
        if (lo === 0xffffffff && hi === 0xffffffff) return UNDEFINED_ADDRESS;
        if (hi > 0x1fffff) {
          throw new RangeError(
            `${this.label}: corrupted HDF5 file: ${what} at byte ${offset} is too large (${hi} * 2^32)`,
          );
        }
        return hi * 0x100000000 + lo;
      }
    }
    throw new RangeError(`${this.label}: unsupported HDF5 integer size ${size} for ${what}`);
  }

  /** Bytes `[offset, offset + length)`, a view (not a copy). */
  slice(offset: number, length: number, what: string): Uint8Array {
    this.check(offset, length, what);
    return this.bytes.subarray(offset, offset + length);
  }

  /** The 4-character signature at `offset`. */
  signature(offset: number, what: string): string {
    const b = this.slice(offset, 4, what);
    return String.fromCharCode(b[0], b[1], b[2], b[3]);
  }

  /** Throws unless the 4-character signature at `offset` is `expected`. */
  expectSignature(offset: number, expected: string, what: string): void {
    const got = this.signature(offset, what);
    if (got !== expected) {
      throw new TypeError(
        `${this.label}: corrupted HDF5 file: expected the ${what} signature "${expected}" at byte ${offset}, found ${
          JSON.stringify(got)
        }`,
      );
    }
  }

  /** A NUL-terminated string starting at `offset`, read no further than `limit`. */
  cString(offset: number, limit: number, what: string): string {
    this.check(offset, 0, what);
    const end = Math.min(limit, this.bytes.length);
    let i = offset;
    while (i < end && this.bytes[i] !== 0) i++;
    if (i >= end) {
      throw new RangeError(
        `${this.label}: corrupted HDF5 file: unterminated ${what} at byte ${offset}`,
      );
    }
    return new TextDecoder().decode(this.bytes.subarray(offset, i));
  }
}
