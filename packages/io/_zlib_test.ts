import assert from "node:assert/strict";
import { adler32, inflateZlib } from "./_zlib.ts";
import { compressed, mixed, noise } from "./_deflate_test_util.ts";

const enc = new TextEncoder();
const BIG = 1 << 30;

Deno.test("adler32 matches known checksums", () => {
  assert.equal(adler32(new Uint8Array(0)), 1);
  assert.equal(adler32(enc.encode("Wikipedia")), 0x11e60398);
  // From Python's zlib.adler32: long inputs cross the reductions modulo 65521.
  const pattern = new Uint8Array(1 << 20).map((_, i) => (i * 7 + Math.floor(i / 251)) & 255);
  assert.equal(adler32(pattern), 0xe2846b66);
  assert.equal(adler32(new Uint8Array(100_000).fill(255)), 0x149a302c);
});

Deno.test("inflateZlib decodes what CompressionStream('deflate') made, empty to 3 MiB", async () => {
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["1 byte", new Uint8Array([7])],
    ["64 KiB + 1 of noise", noise(65537)],
    ["1.5 MiB of noise", noise(1.5 * 2 ** 20, 5)],
    ["3 MiB mixed", mixed(3 * 2 ** 20)],
  ];
  for (const [name, data] of cases) {
    const packed = await compressed(data, "deflate");
    const out = inflateZlib(packed, { maxBytes: data.length, sizeHint: data.length });
    assert.equal(out.length, data.length, name);
    assert.ok(out.every((b, i) => b === data[i]), `${name}: the bytes differ`);
  }
});

Deno.test("inflateZlib checks the header and the Adler-32 checksum", () => {
  // Python's zlib.compress(b"hello").
  const hello = new Uint8Array([
    0x78,
    0x9c,
    0xcb,
    0x48,
    0xcd,
    0xc9,
    0xc9,
    0x07,
    0x00,
    0x06,
    0x2c,
    0x02,
    0x15,
  ]);
  assert.equal(new TextDecoder().decode(inflateZlib(hello, { maxBytes: 5 })), "hello");
  const edited = (at: number, value: number) => {
    const copy = hello.slice();
    copy[at] = value;
    return copy;
  };
  const cases: [Uint8Array, string][] = [
    [hello.subarray(0, 1), "truncated zlib data: expected a 2-byte header, found 1 byte"],
    [
      edited(0, 0x79),
      "not zlib data: expected compression method 8 (deflate) in the header's first byte, found 9 (header 0x799c)",
    ],
    [
      new Uint8Array([0x88, 0x1d, 0x03, 0x00]),
      "not zlib data: expected a window of at most 32 KiB, found 2^16 bytes (header 0x881d)",
    ],
    [
      edited(1, 0x9d),
      "not zlib data: the header 0x789d fails its check (expected a multiple of 31)",
    ],
    [
      new Uint8Array([0x78, 0xbb, 0, 0, 0, 1, 0x03, 0x00]),
      "zlib data with a preset dictionary (FDICT), which Kerno does not read",
    ],
    [
      hello.subarray(0, 11),
      "truncated zlib data: expected a 4-byte Adler-32 checksum after the deflate stream at byte 9, found 2 bytes",
    ],
    [
      edited(12, 0x16),
      "corrupted zlib data: the Adler-32 checksum is 0x062c0216, but the 5 decoded bytes give 0x062c0215",
    ],
    [
      hello.subarray(0, 5),
      "truncated deflate data: the input ends after 5 bytes, inside a fixed-Huffman block (expected more, up to the final block's end)",
    ],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => inflateZlib(bytes, { maxBytes: BIG }), { name: "TypeError", message });
  }
  assert.throws(() => inflateZlib(hello, { maxBytes: 4 }), {
    name: "RangeError",
    message:
      "deflate data inflates to more than 4 bytes, the most allowed here (passed after 8 compressed bytes)",
  });
});
