import assert from "node:assert/strict";
import { dosDateTime, packZip, storedEntry } from "./_zip_writer.ts";
import { readZip } from "./zip.ts";

const enc = new TextEncoder();
const MTIME = new Date(2024, 4, 17, 13, 45, 31);

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("packZip writes local headers, the central directory and the end record", () => {
  const zip = packZip(
    [storedEntry("b.json", enc.encode("{}")), storedEntry("é.bin", new Uint8Array([1, 2, 3]))],
    MTIME,
    "t.zip",
  );
  // The bytes fflate 0.8.2's zipSync wrote for these entries at level 0 (compared before it was
  // replaced); Python's zipfile reads them (testzip() finds no error).
  assert.equal(
    hex(zip),
    [
      // Local header of b.json: version 20, flags 0, stored, 13:45:30 on 2024-05-17, CRC-32,
      // sizes, name length; name; data.
      "504b0304" + "1400" + "0000" + "0000" + "af6d" + "b158" + "43bfa6a3" + "02000000",
      "02000000" + "0600" + "0000" + "622e6a736f6e" + "7b7d",
      // Local header of é.bin: flag 0x800 (UTF-8 name).
      "504b0304" + "1400" + "0008" + "0000" + "af6d" + "b158" + "1d80bc55" + "03000000",
      "03000000" + "0600" + "0000" + "c3a92e62696e" + "010203",
      // Central directory: version made by 20, as above, then comment length, disk, attributes
      // and the local header's offset.
      "504b0102" + "1400" + "1400" + "0000" + "0000" + "af6d" + "b158" + "43bfa6a3",
      "02000000" + "02000000" + "0600" + "0000" + "0000" + "0000" + "0000" + "00000000",
      "00000000" + "622e6a736f6e",
      "504b0102" + "1400" + "1400" + "0008" + "0000" + "af6d" + "b158" + "1d80bc55",
      "03000000" + "03000000" + "0600" + "0000" + "0000" + "0000" + "0000" + "00000000",
      "26000000" + "c3a92e62696e",
      // End record: 2 entries, a directory of 104 bytes at offset 77, no comment.
      "504b0506" + "0000" + "0000" + "0200" + "0200" + "68000000" + "4d000000" + "0000",
    ].join(""),
  );
  const back = readZip(zip, "t.zip");
  assert.deepEqual([...back.keys()], ["b.json", "é.bin"]);
  assert.deepEqual(Array.from(back.get("é.bin")!), [1, 2, 3]);
  assert.equal(hex(packZip([], MTIME, "empty.zip")), "504b0506" + "00".repeat(18));
});

Deno.test("dosDateTime packs local time, and refuses dates a zip cannot hold", () => {
  assert.deepEqual(dosDateTime(new Date(1980, 0, 1), "x"), { time: 0, date: (1 << 5) | 1 });
  assert.deepEqual(dosDateTime(new Date(2107, 11, 31, 23, 59, 59), "x"), {
    time: (23 << 11) | (59 << 5) | 29,
    date: (127 << 9) | (12 << 5) | 31,
  });
  assert.throws(() => dosDateTime(new Date(1979, 11, 31, 23, 59, 59), "old.zip"), {
    name: "RangeError",
    message: /^old\.zip: a zip archive records modification times from 1980 to 2107, got 19/,
  });
  assert.throws(() => dosDateTime(new Date(NaN), "nan.zip"), {
    name: "RangeError",
    message:
      "nan.zip: a zip archive records modification times from 1980 to 2107, got an invalid date",
  });
});
