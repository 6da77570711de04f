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
  assert.throws(() => readZip(zip, "huge.keras"), {
    name: "RangeError",
    message:
      /huge\.keras: zip entry "config\.json" declares 3221225472 bytes, more than the 2147483648-byte limit/,
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
