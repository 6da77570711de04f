/**
 * The zlib wrapper of DEFLATE data (RFC 1950): a two-byte header, the DEFLATE stream, and the
 * Adler-32 checksum of the decoded bytes. HDF5's gzip filter stores chunks in this format.
 *
 * @module
 */
import { type InflateOptions, inflateRawAt } from "./_inflate.ts";

/** Adler-32 (RFC 1950, section 9) of `bytes`. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  const n = bytes.length;
  // 3800 bytes keep `b` under 2 ** 31 between reductions, so the sums stay small integers.
  for (let i = 0; i < n;) {
    const stop = Math.min(n, i + 3800);
    for (; i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, "0")}`;
}

/**
 * Decodes zlib-wrapped DEFLATE data: checks the header (method 8, window at most 32 KiB, the
 * header check, no preset dictionary) and the Adler-32 checksum, and refuses each failure with a
 * TypeError that says what was expected and what was found. `options` bound the output as in
 * {@linkcode inflateRaw}. Bytes after the checksum are ignored.
 *
 * @example
 * ```ts ignore
 * const chunk = inflateZlib(stored, { maxBytes: chunkBytes, sizeHint: chunkBytes });
 * ```
 */
export function inflateZlib(input: Uint8Array, options: InflateOptions): Uint8Array {
  if (input.length < 2) {
    throw new TypeError(
      `truncated zlib data: expected a 2-byte header, found ${input.length} byte${
        input.length === 1 ? "" : "s"
      }`,
    );
  }
  const cmf = input[0];
  const flg = input[1];
  if ((cmf & 15) !== 8) {
    throw new TypeError(
      `not zlib data: expected compression method 8 (deflate) in the header's first byte, found ${
        cmf & 15
      } (header ${hex((cmf << 8) | flg, 4)})`,
    );
  }
  if (cmf >>> 4 > 7) {
    throw new TypeError(
      `not zlib data: expected a window of at most 32 KiB, found 2^${
        (cmf >>> 4) + 8
      } bytes (header ${hex((cmf << 8) | flg, 4)})`,
    );
  }
  if (((cmf << 8) | flg) % 31 !== 0) {
    throw new TypeError(
      `not zlib data: the header ${
        hex((cmf << 8) | flg, 4)
      } fails its check (expected a multiple of 31)`,
    );
  }
  if (flg & 0x20) {
    throw new TypeError("zlib data with a preset dictionary (FDICT), which Kerno does not read");
  }
  const { data, end } = inflateRawAt(input, 2, options);
  if (end + 4 > input.length) {
    throw new TypeError(
      `truncated zlib data: expected a 4-byte Adler-32 checksum after the deflate stream at byte ${end}, found ${
        input.length - end
      } bytes`,
    );
  }
  const stored = ((input[end] << 24) | (input[end + 1] << 16) | (input[end + 2] << 8) |
    input[end + 3]) >>> 0;
  const computed = adler32(data);
  if (stored !== computed) {
    throw new TypeError(
      `corrupted zlib data: the Adler-32 checksum is ${
        hex(stored, 8)
      }, but the ${data.length} decoded bytes give ${hex(computed, 8)}`,
    );
  }
  return data;
}
