/**
 * DEFLATE decoding (RFC 1951): stored, fixed-Huffman and dynamic-Huffman blocks, synchronous,
 * into one buffer that never grows past a given limit. Written for Kerno from the RFC.
 *
 * @module
 */
import {
  CODE_LENGTH_ORDER,
  DIST_BASE,
  DIST_EXTRA,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from "./_deflate_tables.ts";
import { buildTable, INVALID_SYMBOL, tableSize } from "./_huffman.ts";

/** Options of {@linkcode inflateRaw}. */
export interface InflateOptions {
  /** Most bytes the output may hold: decoding stops with an {@linkcode InflateLimitError} past it. */
  readonly maxBytes: number;
  /** Bytes to allocate at first (at most `maxBytes`), e.g. the size a container declares. */
  readonly sizeHint?: number;
}

/** What {@linkcode inflateRawAt} decoded and where the DEFLATE stream ended. */
export interface InflateResult {
  /** The decoded bytes. */
  readonly data: Uint8Array;
  /** Offset in the input of the first byte after the stream (its last byte padded to 8 bits). */
  readonly end: number;
}

/** The output of a DEFLATE stream passes the allowed size; nothing past it was allocated. */
export class InflateLimitError extends RangeError {
  /** The allowed size, in bytes. */
  readonly limit: number;
  /** Compressed bytes read when the output passed the limit. */
  readonly consumed: number;

  /** An error for output past `limit` bytes, reached after `consumed` compressed bytes. */
  constructor(limit: number, consumed: number) {
    super(
      `deflate data inflates to more than ${limit} bytes, the most allowed here (passed after ${consumed} compressed bytes)`,
    );
    this.name = "RangeError";
    this.limit = limit;
    this.consumed = consumed;
  }
}

/**
 * Decodes the raw DEFLATE stream `input` (no zlib or gzip wrapper). Corrupted data (an invalid
 * code, a distance before the start of the output, a bad stored-block length) and truncated data
 * throw a TypeError saying what was expected and at which input byte; output past
 * `options.maxBytes` throws an {@linkcode InflateLimitError}. Bytes after the final block are
 * ignored.
 *
 * @example
 * ```ts ignore
 * const data = inflateRaw(packed, { maxBytes: 1 << 20 });
 * ```
 */
export function inflateRaw(input: Uint8Array, options: InflateOptions): Uint8Array {
  return inflateRawAt(input, 0, options).data;
}

/** {@linkcode inflateRaw} of the stream that starts at `input[start]`, with where it ended. */
export function inflateRawAt(
  input: Uint8Array,
  start: number,
  options: InflateOptions,
): InflateResult {
  const { maxBytes } = options;
  if (!(maxBytes >= 0)) throw new RangeError(`inflateRaw: maxBytes must be >= 0, got ${maxBytes}`);
  const first = Math.min(
    maxBytes,
    options.sizeHint ?? Math.max(4096, Math.min(input.length * 4, 1 << 26)),
  );
  const decoder = new Decoder(input, start, new Uint8Array(first), maxBytes);
  decoder.run();
  return { data: decoder.output(), end: decoder.inputEnd() };
}

/** Output bytes one call of the Huffman decoding loop produces before it returns. */
const SLICE_BYTES = 1 << 16;

/** First-level bits of the literal/length and distance tables. */
const LIT_ROOT = 10;
const DIST_ROOT = 8;

let fixedTables: { lit: Int32Array; dist: Int32Array } | null = null;

/** The tables of the fixed Huffman code (RFC 1951, 3.2.6), built once. */
function fixed(): { lit: Int32Array; dist: Int32Array } {
  if (!fixedTables) {
    const lengths = new Uint8Array(288 + 32);
    lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288);
    lengths.fill(5, 288, 320);
    const lit = new Int32Array(tableSize(LIT_ROOT, 288));
    const dist = new Int32Array(tableSize(DIST_ROOT, 32));
    buildTable(lengths, 0, 288, lit, LIT_ROOT, "fixed literal/length code", false);
    buildTable(lengths, 288, 32, dist, DIST_ROOT, "fixed distance code", false);
    fixedTables = { lit, dist };
  }
  return fixedTables;
}

/** Scratch space for dynamic blocks, reused by every call (decoding is synchronous). */
let scratch: {
  lit: Int32Array;
  dist: Int32Array;
  codeLengths: Int32Array;
  lengths: Uint8Array;
} | null = null;

function dynamicScratch(): NonNullable<typeof scratch> {
  scratch ??= {
    lit: new Int32Array(tableSize(LIT_ROOT, 286)),
    dist: new Int32Array(tableSize(DIST_ROOT, 30)),
    codeLengths: new Int32Array(1 << 7),
    lengths: new Uint8Array(286 + 30),
  };
  return scratch;
}

/** A larger output buffer holding `out[0 .. used)`, for `needed` bytes, or the limit error. */
function grow(out: Uint8Array, used: number, needed: number, max: number, at: number): Uint8Array {
  if (needed > max) throw new InflateLimitError(max, at);
  const bigger = new Uint8Array(Math.min(max, Math.max(needed, out.length * 2, 4096)));
  bigger.set(out.subarray(0, used));
  return bigger;
}

/** Copies `length` bytes from `distance` back to `out[o]`; they may overlap (a repeat). */
function copyMatch(out: Uint8Array, o: number, distance: number, length: number): void {
  let from = o - distance;
  if (length > 16 && (distance >= length || distance === 1)) {
    if (distance === 1) out.fill(out[from], o, o + length);
    else out.copyWithin(o, from, from + length);
    return;
  }
  const stop = o + length;
  while (o < stop) out[o++] = out[from++];
}

class Decoder {
  readonly #src: Uint8Array;
  readonly #end: number;
  readonly #max: number;
  /** Next input byte to load into the bit buffer (past `#end` once zeros are loaded). */
  #pos: number;
  /** Loaded bits not yet used, least significant first; at most 31, so never negative. */
  #bits = 0;
  #count = 0;
  #out: Uint8Array;
  #written = 0;
  /** What is being decoded, for the truncated-data message. */
  #where = "a block header";

  constructor(src: Uint8Array, start: number, out: Uint8Array, max: number) {
    this.#src = src;
    this.#end = src.length;
    this.#pos = start;
    this.#out = out;
    this.#max = max;
  }

  output(): Uint8Array {
    return this.#written === this.#out.length ? this.#out : this.#out.subarray(0, this.#written);
  }

  /** Input offset of the next unused whole byte. */
  inputEnd(): number {
    return this.#pos - (this.#count >>> 3);
  }

  run(): void {
    let last = 0;
    do {
      this.#where = "a block header";
      last = this.#take(1);
      const type = this.#take(2);
      if (type === 0) {
        this.#where = "a stored block";
        this.#stored();
      } else if (type === 1) {
        this.#where = "a fixed-Huffman block";
        const { lit, dist } = fixed();
        while (!this.#codes(lit, dist));
      } else if (type === 2) {
        this.#where = "the code lengths of a dynamic-Huffman block";
        const { lit, dist } = this.#dynamicTables();
        this.#where = "a dynamic-Huffman block";
        while (!this.#codes(lit, dist));
      } else {
        throw this.#corrupt("block type 3, which is reserved (expected 0, 1 or 2)");
      }
    } while (!last);
    // Drop the padding bits of the last byte.
    const pad = this.#count & 7;
    this.#bits >>>= pad;
    this.#count -= pad;
  }

  /** The error for corrupted data, or the truncated-data error if the input ran out first. */
  #corrupt(what: string): TypeError {
    this.#checkOverrun();
    // The byte that holds the last bit read.
    const at = Math.max(0, (this.#pos * 8 - this.#count - 1) >> 3);
    return new TypeError(`corrupted deflate data at input byte ${at}: ${what}`);
  }

  #truncated(): TypeError {
    return new TypeError(
      `truncated deflate data: the input ends after ${this.#end} bytes, inside ${this.#where} (expected more, up to the final block's end)`,
    );
  }

  #checkOverrun(): void {
    if (this.#pos > this.#end && (this.#pos - this.#end) * 8 > this.#count) throw this.#truncated();
  }

  /** The next `n` (at most 24) bits, as a number. */
  #take(n: number): number {
    while (this.#count < n) {
      this.#bits |= (this.#pos < this.#end ? this.#src[this.#pos] : 0) << this.#count;
      this.#pos++;
      this.#count += 8;
    }
    const v = this.#bits & ((1 << n) - 1);
    this.#bits >>>= n;
    this.#count -= n;
    this.#checkOverrun();
    return v;
  }

  #stored(): void {
    const pad = this.#count & 7;
    this.#bits >>>= pad;
    this.#count -= pad;
    let p = this.inputEnd();
    this.#bits = 0;
    this.#count = 0;
    const src = this.#src;
    if (p + 4 > this.#end) throw this.#truncated();
    const length = src[p] | (src[p + 1] << 8);
    const complement = src[p + 2] | (src[p + 3] << 8);
    if ((length ^ 0xffff) !== complement) {
      this.#pos = p + 4;
      throw this.#corrupt(
        `a stored block's length ${length} and its complement ${complement} disagree (expected ${
          length ^ 0xffff
        })`,
      );
    }
    p += 4;
    if (p + length > this.#end) {
      this.#pos = p;
      throw new TypeError(
        `truncated deflate data: a stored block at input byte ${p} declares ${length} bytes, but the input ends after ${
          this.#end - p
        }`,
      );
    }
    const needed = this.#written + length;
    if (needed > this.#out.length) {
      this.#out = grow(this.#out, this.#written, needed, this.#max, p);
    }
    this.#out.set(src.subarray(p, p + length), this.#written);
    this.#written = needed;
    this.#pos = p + length;
  }

  #dynamicTables(): { lit: Int32Array; dist: Int32Array } {
    const tables = dynamicScratch();
    const litCount = this.#take(5) + 257;
    const distCount = this.#take(5) + 1;
    const clCount = this.#take(4) + 4;
    if (litCount > 286) {
      throw this.#corrupt(`${litCount} literal/length codes (expected at most 286)`);
    }
    if (distCount > 30) throw this.#corrupt(`${distCount} distance codes (expected at most 30)`);
    const lengths = tables.lengths;
    lengths.fill(0, 0, 19);
    for (let i = 0; i < clCount; i++) lengths[CODE_LENGTH_ORDER[i]] = this.#take(3);
    this.#build(lengths, 0, 19, tables.codeLengths, 7, "code-length code", false);
    const total = litCount + distCount;
    const clTable = tables.codeLengths;
    for (let i = 0; i < total;) {
      const peek = this.#peek7();
      const entry = clTable[peek];
      const symbol = entry >>> 8;
      this.#take(entry & 15);
      if (symbol < 16) {
        lengths[i++] = symbol;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (symbol === 16) {
        if (i === 0) throw this.#corrupt("code-length symbol 16 (repeat) with no previous length");
        value = lengths[i - 1];
        repeat = 3 + this.#take(2);
      } else if (symbol === 17) {
        repeat = 3 + this.#take(3);
      } else if (symbol === 18) {
        repeat = 11 + this.#take(7);
      } else {
        throw this.#corrupt("a bit pattern that is no code of the code-length code");
      }
      if (i + repeat > total) {
        throw this.#corrupt(
          `a repeat of ${repeat} code lengths from length ${i} runs past the ${total} the block declares`,
        );
      }
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) {
      throw this.#corrupt("a dynamic-Huffman block without an end-of-block code (symbol 256)");
    }
    this.#build(lengths, 0, litCount, tables.lit, LIT_ROOT, "literal/length code", true);
    this.#build(lengths, litCount, distCount, tables.dist, DIST_ROOT, "distance code", true);
    return tables;
  }

  #build(
    lengths: Uint8Array,
    start: number,
    n: number,
    table: Int32Array,
    root: number,
    what: string,
    allowIncomplete: boolean,
  ): void {
    try {
      buildTable(lengths, start, n, table, root, what, allowIncomplete);
    } catch (e) {
      throw this.#corrupt((e as Error).message);
    }
  }

  /** The next 7 bits without using them (zeros past the end of the input). */
  #peek7(): number {
    while (this.#count < 7) {
      this.#bits |= (this.#pos < this.#end ? this.#src[this.#pos] : 0) << this.#count;
      this.#pos++;
      this.#count += 8;
    }
    return this.#bits & 127;
  }

  #store(pos: number, bits: number, count: number, out: Uint8Array, written: number): void {
    this.#pos = pos;
    this.#bits = bits;
    this.#count = count;
    this.#out = out;
    this.#written = written;
  }

  /**
   * Decodes the symbols of a Huffman block (the hot loop), up to its end-of-block code (then
   * returns true) or a little past {@linkcode SLICE_BYTES} of output (then returns false, to be
   * called again). Short calls let the engine optimize this function as a whole: one call that
   * decodes megabytes runs in code compiled for its loop alone, which any new path throws away.
   */
  #codes(lit: Int32Array, dist: Int32Array): boolean {
    const src = this.#src;
    const end = this.#end;
    let pos = this.#pos;
    let bits = this.#bits;
    let count = this.#count;
    let out = this.#out;
    let o = this.#written;
    let cap = out.length;
    const pause = o + SLICE_BYTES;
    let done = true;
    for (;;) {
      // Refills are unrolled: a loop here would be compiled on its own (on-stack replacement)
      // and thrown away at each exit.
      if (count < 20) {
        if (pos > end && (pos - end) * 8 > count) break;
        if (o > pause) {
          done = false;
          break;
        }
        bits |= (pos < end ? src[pos] : 0) << count;
        pos++;
        count += 8;
        if (count <= 23) {
          bits |= (pos < end ? src[pos] : 0) << count;
          pos++;
          count += 8;
          if (count <= 23) {
            bits |= (pos < end ? src[pos] : 0) << count;
            pos++;
            count += 8;
          }
        }
      }
      let entry = lit[bits & 1023];
      if (entry & 0xf0) {
        entry = lit[(entry >> 8) + ((bits >> LIT_ROOT) & ((1 << ((entry >> 4) & 15)) - 1))];
      }
      let n = entry & 15;
      bits >>= n;
      count -= n;
      let symbol = entry >> 8;
      if (symbol < 256) {
        if (o >= cap) {
          if (pos > end && (pos - end) * 8 > count) break;
          out = grow(out, o, o + 1, this.#max, pos - (count >> 3));
          cap = out.length;
        }
        out[o++] = symbol;
        continue;
      }
      if (symbol === 256) break;
      symbol -= 257;
      if (symbol >= 29) {
        this.#store(pos, bits, count, out, o);
        throw this.#corrupt(
          symbol === INVALID_SYMBOL - 257
            ? "a bit pattern that is no code of the literal/length code"
            : `literal/length symbol ${symbol + 257}, which is reserved (expected at most 285)`,
        );
      }
      let length = LENGTH_BASE[symbol];
      n = LENGTH_EXTRA[symbol];
      if (n) {
        length += bits & ((1 << n) - 1);
        bits >>= n;
        count -= n;
      }
      if (count < 15) {
        bits |= (pos < end ? src[pos] : 0) << count;
        pos++;
        count += 8;
        if (count <= 23) {
          bits |= (pos < end ? src[pos] : 0) << count;
          pos++;
          count += 8;
          if (count <= 23) {
            bits |= (pos < end ? src[pos] : 0) << count;
            pos++;
            count += 8;
          }
        }
      }
      entry = dist[bits & 255];
      if (entry & 0xf0) {
        entry = dist[(entry >> 8) + ((bits >> DIST_ROOT) & ((1 << ((entry >> 4) & 15)) - 1))];
      }
      n = entry & 15;
      bits >>= n;
      count -= n;
      symbol = entry >> 8;
      if (symbol >= 30) {
        this.#store(pos, bits, count, out, o);
        throw this.#corrupt(
          symbol === INVALID_SYMBOL
            ? "a bit pattern that is no code of the distance code"
            : `distance symbol ${symbol}, which is reserved (expected at most 29)`,
        );
      }
      let distance = DIST_BASE[symbol];
      n = DIST_EXTRA[symbol];
      if (n) {
        if (count < n) {
          bits |= (pos < end ? src[pos] : 0) << count;
          pos++;
          count += 8;
          if (count <= 23) {
            bits |= (pos < end ? src[pos] : 0) << count;
            pos++;
            count += 8;
            if (count <= 23) {
              bits |= (pos < end ? src[pos] : 0) << count;
              pos++;
              count += 8;
            }
          }
        }
        distance += bits & ((1 << n) - 1);
        bits >>= n;
        count -= n;
      }
      if (distance > o) {
        this.#store(pos, bits, count, out, o);
        throw this.#corrupt(
          `a match ${distance} bytes back, but only ${o} bytes were decoded so far`,
        );
      }
      if (o + length > cap) {
        if (pos > end && (pos - end) * 8 > count) break;
        out = grow(out, o, o + length, this.#max, pos - (count >> 3));
        cap = out.length;
      }
      copyMatch(out, o, distance, length);
      o += length;
    }
    this.#store(pos, bits, count, out, o);
    this.#checkOverrun();
    return done;
  }
}
