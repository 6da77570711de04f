import assert from "node:assert/strict";
import {
  adviseHugePages,
  freshFloat32Array,
  HUGE_PAGE_MIN_BYTES,
  hugePagesAvailable,
} from "./_native_memory.ts";

const linux = Deno.build.os === "linux";
const ffi = Deno.permissions.querySync({ name: "ffi" }).state === "granted";
// Opened before the tests: a library opened inside one trips the resource sanitizer.
const available = hugePagesAvailable();
/** Over glibc's largest mmap threshold (32 MiB): always a fresh mapping, never reused memory. */
const FRESH_BYTES = 40 * 1024 * 1024;

Deno.test("adviseHugePages leaves arrays under 4 MiB alone", () => {
  assert.equal(adviseHugePages(new Float32Array(1024)), false);
  assert.equal(adviseHugePages(new Uint8Array(HUGE_PAGE_MIN_BYTES - 1)), false);
});

Deno.test("huge pages are available on Linux with the FFI permission", () => {
  assert.equal(available, linux && ffi);
  assert.equal(hugePagesAvailable(), available);
});

Deno.test({
  name: "adviseHugePages advises fresh shared memory, which stays zero and writable",
  ignore: !linux || !ffi,
  fn() {
    const bytes = new Uint8Array(new SharedArrayBuffer(FRESH_BYTES));
    assert.equal(adviseHugePages(bytes), true);
    assert.equal(bytes[0] + bytes[bytes.length - 1] + bytes[FRESH_BYTES / 2], 0);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 1;
    let sum = 0;
    for (let i = 0; i < bytes.length; i += 4096) sum += bytes[i];
    assert.equal(sum, FRESH_BYTES / 4096);
  },
});

Deno.test({
  name: "adviseHugePages skips memory that is already mapped",
  ignore: !linux || !ffi,
  fn() {
    const bytes = new Uint8Array(new SharedArrayBuffer(FRESH_BYTES));
    bytes.fill(3);
    assert.equal(adviseHugePages(bytes), false);
    assert.equal(bytes[12345], 3);
  },
});

Deno.test("freshFloat32Array is zero-filled with or without huge pages", () => {
  for (const huge of [false, true]) {
    const a = freshFloat32Array(2 * 1024 * 1024, huge);
    assert.equal(a.length, 2 * 1024 * 1024);
    assert.equal(a[0] + a[a.length - 1], 0);
  }
});
