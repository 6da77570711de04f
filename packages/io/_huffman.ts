/**
 * Decoding tables for the canonical Huffman codes of DEFLATE (RFC 1951, section 3.2.2).
 *
 * A table is an `Int32Array` read with the next `root` bits of the stream, least significant bit
 * first (DEFLATE sends each code's most significant bit first, so every index is a code with its
 * bits reversed). An entry is `symbol << 8 | subBits << 4 | length`:
 *
 * - `subBits === 0`: a leaf; consume `length` bits (the whole code) and take `symbol`.
 * - `subBits > 0`: the code is longer than `root` bits; `symbol` is the offset of a second-level
 *   table of `2 ** subBits` entries, read with the `subBits` bits after the first `root`. Its
 *   entries are leaves whose `length` is the whole code length.
 *
 * Bit patterns that are no code (an incomplete code) decode to {@linkcode INVALID_SYMBOL}.
 *
 * @module
 */

/** The symbol of table entries that match no code: larger than any valid symbol. */
export const INVALID_SYMBOL = 511;

/** Longest code DEFLATE allows. */
const MAX_BITS = 15;

/** Entries a table of `symbols` codes with a `root`-bit first level may need at most. */
export function tableSize(root: number, symbols: number): number {
  // Every second-level table holds at least one code longer than `root` bits.
  return (1 << root) + symbols * (1 << (MAX_BITS - root));
}

const counts = new Uint16Array(MAX_BITS + 1);
const nextCode = new Uint16Array(MAX_BITS + 1);
const reversed = new Uint16Array(320);
const subBitsOf = new Uint8Array(1 << 10);

function reverseBits(code: number, length: number): number {
  let r = 0;
  for (let i = 0; i < length; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/**
 * Fills `table` for the code whose lengths are `lengths[start .. start + n)` (0: symbol unused).
 * Throws a TypeError naming `what` for an over-subscribed code, and for an incomplete one unless
 * `allowIncomplete` and it has a single one-bit code (RFC 1951 allows one distance code) or no
 * code at all. Returns how many entries of `table` were used.
 */
export function buildTable(
  lengths: Uint8Array,
  start: number,
  n: number,
  table: Int32Array,
  root: number,
  what: string,
  allowIncomplete: boolean,
): number {
  counts.fill(0);
  let longest = 0;
  for (let s = 0; s < n; s++) {
    const length = lengths[start + s];
    counts[length]++;
    if (length > longest) longest = length;
  }
  counts[0] = 0;
  const rootSize = 1 << root;
  const invalid = (INVALID_SYMBOL << 8) | 1;
  table.fill(invalid, 0, rootSize);
  if (longest === 0) return rootSize;
  let left = 1;
  for (let length = 1; length <= MAX_BITS; length++) {
    left = (left << 1) - counts[length];
    if (left < 0) {
      throw new TypeError(
        `the ${what} is over-subscribed: more codes of ${length} bits or fewer than a prefix code can have`,
      );
    }
  }
  if (left > 0 && !(allowIncomplete && longest === 1)) {
    throw new TypeError(
      `the ${what} is incomplete: its code lengths leave bit patterns that decode to nothing`,
    );
  }
  let code = 0;
  for (let length = 1; length <= MAX_BITS; length++) {
    code = (code + counts[length - 1]) << 1;
    nextCode[length] = code;
  }
  subBitsOf.fill(0, 0, rootSize);
  for (let s = 0; s < n; s++) {
    const length = lengths[start + s];
    if (length === 0) continue;
    const r = reverseBits(nextCode[length]++, length);
    reversed[s] = r;
    if (length > root) {
      const prefix = r & (rootSize - 1);
      if (length - root > subBitsOf[prefix]) subBitsOf[prefix] = length - root;
    }
  }
  let used = rootSize;
  for (let prefix = 0; prefix < rootSize; prefix++) {
    const subBits = subBitsOf[prefix];
    if (subBits === 0) continue;
    table[prefix] = (used << 8) | (subBits << 4) | root;
    table.fill(invalid, used, used + (1 << subBits));
    used += 1 << subBits;
  }
  for (let s = 0; s < n; s++) {
    const length = lengths[start + s];
    if (length === 0) continue;
    const r = reversed[s];
    const leaf = (s << 8) | length;
    if (length <= root) {
      for (let i = r; i < rootSize; i += 1 << length) table[i] = leaf;
    } else {
      const link = table[r & (rootSize - 1)];
      const at = link >>> 8;
      const size = 1 << ((link >>> 4) & 15);
      for (let i = r >>> root; i < size; i += 1 << (length - root)) table[at + i] = leaf;
    }
  }
  return used;
}
