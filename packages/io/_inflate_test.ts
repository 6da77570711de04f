import assert from "node:assert/strict";
import { constants, deflateRawSync } from "node:zlib";
import { InflateLimitError, inflateRaw, inflateRawAt } from "./_inflate.ts";
import { compressed, mixed, noise } from "./_deflate_test_util.ts";

/** Writes bits least significant first, and Huffman codes most significant bit first. */
class BitWriter {
  #bytes: number[] = [];
  #bit = 0;
  /** `n` bits of `value`, least significant first (headers, extra bits). */
  bits(value: number, n: number): this {
    for (let i = 0; i < n; i++) {
      if (this.#bit === 0) this.#bytes.push(0);
      this.#bytes[this.#bytes.length - 1] |= ((value >>> i) & 1) << this.#bit;
      this.#bit = (this.#bit + 1) & 7;
    }
    return this;
  }
  /** A Huffman code of `length` bits, most significant first. */
  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bits((code >>> i) & 1, 1);
    return this;
  }
  /** A symbol of the fixed literal/length code (RFC 1951, 3.2.6). */
  fixedLit(symbol: number): this {
    if (symbol < 144) return this.code(0x30 + symbol, 8);
    if (symbol < 256) return this.code(0x190 + symbol - 144, 9);
    if (symbol < 280) return this.code(symbol - 256, 7);
    return this.code(0xc0 + symbol - 280, 8);
  }
  done(): Uint8Array {
    return new Uint8Array(this.#bytes);
  }
}

const enc = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const BIG = 1 << 30;

Deno.test("inflateRaw decodes what CompressionStream('deflate-raw') made, empty to 3 MiB", async () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["1 byte", new Uint8Array([42])],
    ["300 bytes of text", enc.encode("an LSTM layer, ".repeat(20))],
    ["64 KiB + 1 of noise", noise(65537)],
    ["1.5 MiB of noise", noise(1.5 * 2 ** 20, 3)],
    ["2 MiB of zeros", new Uint8Array(2 * 2 ** 20)],
    ["3 MiB mixed", mixed(3 * 2 ** 20)],
  ];
  for (const [name, data] of cases) {
    const packed = await compressed(data, "deflate-raw");
    const out = inflateRaw(packed, { maxBytes: BIG });
    assert.equal(out.length, data.length, name);
    assert.ok(out.every((b, i) => b === data[i]), `${name}: the bytes differ`);
  }
});

Deno.test("inflateRaw decodes every kind of block node's zlib writes", () => {
  const data = mixed(300_000);
  const runs: [string, number, number][] = [
    ["stored (level 0)", 0, constants.Z_DEFAULT_STRATEGY],
    ["level 1", 1, constants.Z_DEFAULT_STRATEGY],
    ["level 9", 9, constants.Z_DEFAULT_STRATEGY],
    ["fixed-Huffman blocks", 6, constants.Z_FIXED],
    ["Huffman only", 6, constants.Z_HUFFMAN_ONLY],
    ["run lengths", 6, constants.Z_RLE],
  ];
  for (const [name, level, strategy] of runs) {
    const packed = new Uint8Array(deflateRawSync(data, { level, strategy }));
    const out = inflateRaw(packed, { maxBytes: data.length, sizeHint: data.length });
    assert.ok(out.length === data.length && out.every((b, i) => b === data[i]), name);
  }
  // The type of the first block, for the two that must differ from dynamic (2).
  assert.equal(deflateRawSync(data, { level: 0 })[0] & 0b110, 0b000);
  assert.equal(deflateRawSync(data, { strategy: constants.Z_FIXED })[0] & 0b110, 0b010);
});

Deno.test("inflateRaw decodes hand-made stored blocks", () => {
  // BFINAL 0, BTYPE 00, padding; LEN 2, NLEN ~2; "hi". Then a final empty stored block.
  const two = new Uint8Array([0x00, 2, 0, 0xfd, 0xff, 0x68, 0x69, 0x01, 0, 0, 0xff, 0xff]);
  assert.equal(text(inflateRaw(two, { maxBytes: 10 })), "hi");
  assert.deepEqual(inflateRawAt(two, 0, { maxBytes: 10 }).end, 12);
  // Trailing bytes after the final block are ignored.
  const trailing = new Uint8Array([...two, 0xde, 0xad]);
  assert.deepEqual(inflateRawAt(trailing, 0, { maxBytes: 10 }).end, 12);
  const bad = two.slice();
  bad[3] = 0xfe;
  assert.throws(() => inflateRaw(bad, { maxBytes: 10 }), {
    name: "TypeError",
    message:
      "corrupted deflate data at input byte 4: a stored block's length 2 and its complement 65534 disagree (expected 65533)",
  });
  assert.throws(() => inflateRaw(two.subarray(0, 6), { maxBytes: 10 }), {
    name: "TypeError",
    message:
      "truncated deflate data: a stored block at input byte 5 declares 2 bytes, but the input ends after 1",
  });
});

Deno.test("inflateRaw decodes a hand-made fixed-Huffman block with matches and extra bits", () => {
  const w = new BitWriter().bits(1, 1).bits(1, 2); // final, fixed Huffman
  for (const c of "abc") w.fixedLit(c.charCodeAt(0));
  w.fixedLit(257).code(2, 5); // length 3, distance 3: "abc"
  w.fixedLit(266).bits(1, 1).code(4, 5).bits(1, 1); // length 13 + 1 = 14, distance 5 + 1 = 6
  w.fixedLit(0xe9).fixedLit(285).code(0, 5); // a 9-bit literal, then length 258, distance 1
  w.fixedLit(256);
  const out = inflateRaw(w.done(), { maxBytes: 1000 });
  assert.equal(text(out.subarray(0, 20)), "abcabcabcabcabcabcab");
  assert.equal(out.length, 20 + 1 + 258);
  assert.ok(out.subarray(20).every((b) => b === 0xe9));
});

Deno.test("inflateRaw decodes a hand-made dynamic block with a single one-bit distance code", () => {
  // Code-length code: 18 -> "0", 1 -> "10", 2 -> "11" (sent in the order 16, 17, 18, 0, 8, 7,
  // 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1).
  const w = new BitWriter().bits(1, 1).bits(2, 2).bits(258 - 257, 5).bits(0, 5).bits(18 - 4, 4);
  for (const l of [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 2]) w.bits(l, 3);
  // Literal/length lengths: 97 zeros, "a" 2, 158 zeros, end-of-block 2, length-3 symbol 1;
  // then the one distance code, 1 bit long: an incomplete code, which RFC 1951 allows.
  w.code(0, 1).bits(97 - 11, 7).code(3, 2);
  w.code(0, 1).bits(138 - 11, 7).code(0, 1).bits(20 - 11, 7);
  w.code(3, 2).code(2, 2).code(2, 2);
  // Codes: 257 -> "0", "a" -> "10", 256 -> "11"; distance 1 -> "0".
  w.code(2, 2).code(0, 1).code(0, 1).code(3, 2);
  assert.equal(text(inflateRaw(w.done(), { maxBytes: 10 })), "aaaa");
});

Deno.test("inflateRaw names the fault in corrupted fixed-Huffman blocks", () => {
  const fixed = () => new BitWriter().bits(1, 1).bits(1, 2);
  const cases: [Uint8Array, string][] = [
    [
      new BitWriter().bits(1, 1).bits(3, 2).done(),
      "corrupted deflate data at input byte 0: block type 3, which is reserved (expected 0, 1 or 2)",
    ],
    [
      fixed().fixedLit(97).fixedLit(258).code(1, 5).fixedLit(256).done(),
      "corrupted deflate data at input byte 2: a match 2 bytes back, but only 1 bytes were decoded so far",
    ],
    [
      fixed().fixedLit(286).fixedLit(256).done(),
      "corrupted deflate data at input byte 1: literal/length symbol 286, which is reserved (expected at most 285)",
    ],
    [
      fixed().fixedLit(97).fixedLit(257).code(30, 5).fixedLit(256).done(),
      "corrupted deflate data at input byte 2: distance symbol 30, which is reserved (expected at most 29)",
    ],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => inflateRaw(bytes, { maxBytes: 100 }), { name: "TypeError", message });
  }
});

Deno.test("inflateRaw names the fault in corrupted dynamic-Huffman headers", () => {
  // A dynamic block header: HLIT, HDIST, HCLEN, then the 3-bit lengths of the code-length
  // code in the order 16, 17, 18, 0, 8, ...
  const header = (hlit: number, hdist: number, clLengths: number[]) => {
    const w = new BitWriter().bits(1, 1).bits(2, 2).bits(hlit - 257, 5).bits(hdist - 1, 5)
      .bits(clLengths.length - 4, 4);
    for (const l of clLengths) w.bits(l, 3);
    return w;
  };
  const cases: [Uint8Array, string][] = [
    [
      new BitWriter().bits(1, 1).bits(2, 2).bits(30, 5).bits(0, 5).bits(0, 4).bits(0, 12).done(),
      "corrupted deflate data at input byte 2: 287 literal/length codes (expected at most 286)",
    ],
    [
      header(257, 1, [1, 1, 1, 0]).done(),
      "corrupted deflate data at input byte 3: the code-length code is over-subscribed: more codes of 1 bits or fewer than a prefix code can have",
    ],
    [
      header(257, 1, [1, 0, 0, 2]).done(),
      "corrupted deflate data at input byte 3: the code-length code is incomplete: its code lengths leave bit patterns that decode to nothing",
    ],
    [
      // Symbols 0 (code 0) and 16 (code 1): a repeat comes first.
      header(257, 1, [1, 0, 0, 1]).code(1, 1).bits(0, 2).done(),
      "corrupted deflate data at input byte 3: code-length symbol 16 (repeat) with no previous length",
    ],
    [
      // Symbols 0 (code 0) and 18 (code 1): 138 zeros, twice, for 258 lengths.
      header(257, 1, [0, 0, 1, 1]).code(1, 1).bits(127, 7)
        .code(1, 1).bits(127, 7).done(),
      "corrupted deflate data at input byte 5: a repeat of 138 code lengths from length 138 runs past the 258 the block declares",
    ],
  ];
  // 256 literals of 8 bits and no end-of-block code: symbols 0 (code 0) and 8 (code 1).
  const noEnd = header(257, 1, [0, 0, 0, 1, 1]);
  for (let i = 0; i < 256; i++) noEnd.code(1, 1);
  cases.push([
    noEnd.code(0, 1).code(0, 1).done(),
    "corrupted deflate data at input byte 36: a dynamic-Huffman block without an end-of-block code (symbol 256)",
  ]);
  for (const [bytes, message] of cases) {
    assert.throws(() => inflateRaw(bytes, { maxBytes: 100 }), { name: "TypeError", message });
  }
});

Deno.test("inflateRaw reports every truncation of a stream as truncated", async () => {
  const data = mixed(3000);
  for (
    const packed of [await compressed(data, "deflate-raw"), deflateRawSync(data, { level: 0 })]
  ) {
    assert.equal(inflateRaw(packed, { maxBytes: 3000 }).length, 3000);
    for (let cut = 0; cut < packed.length; cut++) {
      assert.throws(() => inflateRaw(packed.subarray(0, cut), { maxBytes: 3000 }), {
        name: "TypeError",
        message: /^truncated deflate data: /,
      }, `cut at ${cut} of ${packed.length}`);
    }
  }
  assert.throws(() => inflateRaw(new Uint8Array(0), { maxBytes: 10 }), {
    message:
      "truncated deflate data: the input ends after 0 bytes, inside a block header (expected more, up to the final block's end)",
  });
});

Deno.test("inflateRaw stops at maxBytes, after reading little of a bomb", async () => {
  const data = mixed(100_000);
  const packed = await compressed(data, "deflate-raw");
  assert.equal(inflateRaw(packed, { maxBytes: 100_000 }).length, 100_000);
  assert.equal(inflateRaw(packed, { maxBytes: 100_000, sizeHint: 10 }).length, 100_000);
  assert.throws(() => inflateRaw(packed, { maxBytes: 99_999 }), (e) => {
    assert.ok(e instanceof InflateLimitError);
    assert.equal(e.name, "RangeError");
    assert.equal(e.limit, 99_999);
    assert.match(
      e.message,
      /^deflate data inflates to more than 99999 bytes, the most allowed here \(passed after \d+ compressed bytes\)$/,
    );
    return true;
  });
  // 64 MiB of zeros from about 64 KiB: stopped at 1 MiB, after about 1 KiB of input.
  const bomb = await compressed(new Uint8Array(2 ** 26), "deflate-raw");
  const started = performance.now();
  assert.throws(() => inflateRaw(bomb, { maxBytes: 2 ** 20 }), (e) => {
    assert.ok(e instanceof InflateLimitError);
    assert.ok(e.consumed < 2000, `consumed ${e.consumed}`);
    return true;
  });
  assert.ok(performance.now() - started < 1000);
  assert.throws(() => inflateRaw(packed, { maxBytes: -1 }), {
    name: "RangeError",
    message: "inflateRaw: maxBytes must be >= 0, got -1",
  });
});
