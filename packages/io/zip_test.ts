import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { checkEntryName, hasZipSignature, readZip, writeZip } from "./zip.ts";
import { crc32 } from "./_zip_entries.ts";
import { packZip, storedEntry } from "./_zip_writer.ts";
import { KERAS_FIXTURES } from "./_test_util.ts";

const enc = new TextEncoder();
const MTIME = new Date(2024, 0, 1);

/** A zip of one entry, stored under a name writeZip would refuse. */
function storedZip(name: string, data: Uint8Array): Uint8Array {
  return packZip([storedEntry(name, data)], MTIME, "test");
}

/** A zip of one entry deflated at `level` by node's zlib. */
function deflatedZip(name: string, data: Uint8Array, level: number): Uint8Array {
  const packed = new Uint8Array(deflateRawSync(data, { level }));
  return packZip([{ name, packed, method: 8, crc: crc32(data), size: data.length }], MTIME, "test");
}

Deno.test("readZip unpacks a Keras .keras archive", () => {
  const z = readZip(Deno.readFileSync(`${KERAS_FIXTURES}/lstm_default/model.keras`), "model.keras");
  assert.deepEqual([...z.keys()], ["metadata.json", "config.json", "model.weights.h5"]);
  const meta = JSON.parse(new TextDecoder().decode(z.get("metadata.json")));
  assert.equal(meta.keras_version, "3.15.1");
});

Deno.test("writeZip stores entries uncompressed (ZIP_STORED) and in order", () => {
  const zip = writeZip({ "b.json": enc.encode("{}"), "a.bin": new Uint8Array([1, 2, 3]) });
  assert.equal(hasZipSignature(zip), true);
  assert.equal(new DataView(zip.buffer).getUint16(8, true), 0); // method of the first entry
  const z = readZip(zip, "t.zip");
  assert.deepEqual([...z.keys()], ["b.json", "a.bin"]);
  assert.deepEqual(Array.from(z.get("a.bin")!), [1, 2, 3]);
});

Deno.test("readZip refuses entries with '..' or an absolute path", () => {
  const climb = storedZip("../evil.txt", enc.encode("x"));
  assert.throws(() => readZip(climb, "evil.keras"), {
    name: "TypeError",
    message:
      'evil.keras: refusing zip entry "../evil.txt": absolute paths and ".." are not allowed in an archive',
  });
  const abs = storedZip("/etc/passwd", enc.encode("x"));
  assert.throws(() => readZip(abs, "abs.keras"), { message: /refusing zip entry "\/etc\/passwd"/ });
  assert.throws(() => checkEntryName("a/../../b", "x"), { name: "TypeError" });
  assert.throws(() => checkEntryName("C:/win", "x"), { name: "TypeError" });
});

Deno.test("readZip refuses an entry that declares an absurd size", () => {
  const zip = deflatedZip("config.json", enc.encode("{}"), 6);
  // Patch the uncompressed size in the central directory and the local header to 3 GiB.
  const view = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    const sig = view.getUint32(i, true);
    if (sig === 0x02014b50) view.setUint32(i + 24, 3 * 2 ** 30, true);
    if (sig === 0x04034b50) view.setUint32(i + 22, 3 * 2 ** 30, true);
  }
  assert.throws(() => readZip(zip, "huge.keras", { limits: { maxEntryBytes: 2 ** 31 } }), {
    name: "RangeError",
    message:
      /^huge\.keras: zip entry "config\.json" declares 3221225472 bytes, more than allowed \(limit maxEntryBytes = 2 GiB; if the file is trusted, raise it with the option limits: \{ maxEntryBytes \}/,
  });
  assert.throws(() => readZip(zip, "huge.keras"), {
    name: "RangeError",
    message:
      /^huge\.keras: zip entry "config\.json" declares 3221225472 bytes from 4 compressed bytes \(ratio 805306368\), a decompression bomb\? \(limit maxCompressionRatio = 100;/,
  });
});

/** `zip` with the uncompressed size in its central directory set to `size`. */
function declaring(zip: Uint8Array, size: number): Uint8Array {
  const view = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, size, true);
  }
  return zip;
}

Deno.test("readZip stops a decompression bomb while inflating, whatever size it declares", () => {
  // Declare 512 KiB (too small for a ratio check): the stream holds 8 MiB. Inflating stops at
  // the declared size, whatever the limits.
  const zip = declaring(deflatedZip("config.json", new Uint8Array(8 * 2 ** 20), 9), 2 ** 19);
  const declared =
    'bomb.keras: zip entry "config.json" inflates to more than the 524288 bytes it declares';
  assert.throws(() => readZip(zip, "bomb.keras", { limits: { maxCompressionRatio: 1e6 } }), {
    name: "TypeError",
    message: declared,
  });
  assert.throws(() => readZip(zip, "bomb.keras"), { name: "TypeError", message: declared });
  // 8 MiB of zeros then 64 KiB of noise, declaring 2 MiB: a harmless ratio for the whole entry
  // (about 30), but the first 2 MiB come from a few KiB.
  const data = new Uint8Array(8 * 2 ** 20 + 65536);
  for (let i = 8 * 2 ** 20, s = 1; i < data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    data[i] = s >>> 23;
  }
  const dense = declaring(deflatedZip("config.json", data, 9), 2 ** 21);
  assert.throws(() => readZip(dense, "bomb.keras"), {
    name: "RangeError",
    message:
      /^bomb\.keras: zip entry "config\.json" inflates to more than 2097152 bytes from \d{4} compressed bytes \(ratio \d{3,4}\), a decompression bomb\? \(limit maxCompressionRatio = 100;/,
  });
  assert.throws(() => readZip(dense, "bomb.keras", { limits: { maxCompressionRatio: 1e4 } }), {
    name: "TypeError",
    message:
      'bomb.keras: zip entry "config.json" inflates to more than the 2097152 bytes it declares',
  });
});

Deno.test("readZip reads deflated entries and reports corrupted deflate data", () => {
  const text = enc.encode('{"class_name": "Sequential", "config": {}}'.repeat(1000));
  const zip = deflatedZip("config.json", text, 6);
  assert.deepEqual(readZip(zip, "d.keras").get("config.json"), text);
  const bad = zip.slice();
  bad[30 + "config.json".length] |= 0b110; // the first block's type becomes 3
  assert.throws(() => readZip(bad, "bad.keras"), {
    name: "TypeError",
    message:
      'bad.keras: zip entry "config.json": corrupted deflate data at input byte 0: block type 3, which is reserved (expected 0, 1 or 2)',
  });
});

Deno.test("readZip refuses a corrupted stored entry by its CRC-32", () => {
  const zip = writeZip({ "a.txt": enc.encode("hello") });
  zip[30 + "a.txt".length] ^= 1;
  assert.throws(() => readZip(zip, "crc.zip"), {
    message: 'crc.zip: zip entry "a.txt" fails its CRC-32 check: the archive is corrupted',
  });
});

Deno.test("readZip reports a truncated archive", () => {
  const bytes = Deno.readFileSync(`${KERAS_FIXTURES}/lstm_default/model.keras`);
  assert.throws(() => readZip(bytes.slice(0, bytes.length - 40), "cut.keras"), {
    name: "TypeError",
    message: /^cut\.keras: truncated or corrupted zip archive/,
  });
  assert.throws(() => readZip(new Uint8Array([1, 2, 3]), "x.keras"), {
    message: 'x.keras: not a zip archive (it does not start with "PK\\x03\\x04")',
  });
});
