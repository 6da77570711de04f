import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { checkEntryName, hasZipSignature, readZip, writeZip } from "./zip.ts";
import { KERAS_FIXTURES } from "./_test_util.ts";

const enc = new TextEncoder();

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
  const climb = zipSync({ "../evil.txt": enc.encode("x") }, { level: 0 });
  assert.throws(() => readZip(climb, "evil.keras"), {
    name: "TypeError",
    message:
      'evil.keras: refusing zip entry "../evil.txt": absolute paths and ".." are not allowed in an archive',
  });
  const abs = zipSync({ "/etc/passwd": enc.encode("x") }, { level: 0 });
  assert.throws(() => readZip(abs, "abs.keras"), { message: /refusing zip entry "\/etc\/passwd"/ });
  assert.throws(() => checkEntryName("a/../../b", "x"), { name: "TypeError" });
  assert.throws(() => checkEntryName("C:/win", "x"), { name: "TypeError" });
});

Deno.test("readZip refuses an entry that declares an absurd size", () => {
  const zip = zipSync({ "config.json": [enc.encode("{}"), { level: 6 }] });
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

Deno.test("readZip stops a decompression bomb while inflating, whatever size it declares", () => {
  const zeros = new Uint8Array(8 * 2 ** 20);
  const zip = zipSync({ "config.json": [zeros, { level: 9 }] });
  const view = new DataView(zip.buffer);
  for (let i = 0; i + 4 <= zip.length; i++) {
    // Declare 512 KiB (too small for a ratio check): the stream holds 8 MiB.
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 2 ** 19, true);
  }
  assert.throws(() => readZip(zip, "bomb.keras", { limits: { maxCompressionRatio: 1e6 } }), {
    name: "TypeError",
    message:
      'bomb.keras: zip entry "config.json" inflates to more than the 524288 bytes it declares',
  });
  assert.throws(() => readZip(zip, "bomb.keras"), {
    name: "RangeError",
    message:
      /^bomb\.keras: zip entry "config\.json" inflates to \d+ bytes from \d+ compressed bytes \(ratio \d+\), a decompression bomb\?/,
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
