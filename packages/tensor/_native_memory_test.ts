import assert from "node:assert/strict";
import {
  addressesAvailable,
  addressOf,
  adviseHugePages,
  freshFloat32Array,
  HUGE_PAGE_MIN_BYTES,
  hugePagesAvailable,
  PREFAULT_MIN_BYTES,
  prefaultAddress,
  viewAtAddress,
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

Deno.test("addresses are available exactly where huge pages are", () => {
  assert.equal(addressesAvailable(), available);
  if (!available) assert.equal(addressOf(new Float32Array(4)), null);
});

Deno.test({
  name: "viewAtAddress writes into the middle of an array, by its address",
  ignore: !linux || !ffi,
  fn() {
    const target = new Float32Array(new ArrayBuffer(40));
    const address = addressOf(target);
    assert.ok(address !== null && address > 0);
    viewAtAddress(address + 3 * 4, "float32", 3).set(Float32Array.of(1.5, -2, 3.25));
    assert.deepEqual(Array.from(target), [0, 0, 0, 1.5, -2, 3.25, 0, 0, 0, 0]);
    const shared = new Int32Array(new SharedArrayBuffer(16));
    viewAtAddress(addressOf(shared)!, "int32", 2).set(Int32Array.of(7, 8));
    assert.deepEqual(Array.from(shared), [7, 8, 0, 0]);
    assert.equal(addressOf(new Float32Array(0)), null);
  },
});

Deno.test({
  name: "viewAtAddress refuses what is not an address, before any view",
  ignore: !linux || !ffi,
  fn() {
    for (const bad of [0, -8, 1.5, 2 ** 60]) {
      assert.throws(
        () => viewAtAddress(bad, "float32", 1),
        new RangeError(`viewAtAddress: expected a memory address, found ${bad}`),
      );
    }
  },
});

Deno.test("prefaultAddress leaves small ranges and non-addresses alone", () => {
  const small = new Float32Array(PREFAULT_MIN_BYTES / 4 - 1);
  assert.equal(prefaultAddress(addressOf(small) ?? 1, small.byteLength), false);
  assert.equal(prefaultAddress(0, FRESH_BYTES), false);
  assert.equal(prefaultAddress(-4096, FRESH_BYTES), false);
  assert.equal(prefaultAddress(2 ** 60, FRESH_BYTES), false);
});

Deno.test({
  name: "prefaultAddress maps a fresh array's pages in at once and changes no value",
  ignore: !linux || !ffi,
  fn() {
    const fresh = new Uint8Array(FRESH_BYTES);
    const before = Deno.memoryUsage().rss;
    const populated = prefaultAddress(addressOf(fresh)!, fresh.byteLength);
    const grown = Deno.memoryUsage().rss - before;
    // Kernels before Linux 5.14 refuse MADV_POPULATE_WRITE: then nothing is mapped ahead.
    if (populated) assert.ok(grown >= FRESH_BYTES * 0.9, `rss grew ${grown} bytes`);
    assert.equal(fresh[0] + fresh[FRESH_BYTES - 1], 0);
    const used = new Float32Array(PREFAULT_MIN_BYTES).map((_, i) => i);
    assert.equal(prefaultAddress(addressOf(used)!, used.byteLength), populated);
    assert.deepEqual([used[0], used[777], used[used.length - 1]], [0, 777, used.length - 1]);
  },
});

Deno.test({
  name: "viewAtAddress views an array's memory in place: reads its values, writes land in it",
  ignore: !linux || !ffi,
  fn() {
    const owner = new Float32Array([1.5, -2, 3.25, 4, 5]);
    const view = viewAtAddress(addressOf(owner)! + 4, "float32", 3);
    assert.ok(view instanceof Float32Array);
    assert.deepEqual([...view], [-2, 3.25, 4]);
    view[2] = 9;
    assert.deepEqual([...owner], [1.5, -2, 3.25, 9, 5]);
    const ints = new Int32Array([7, 8]);
    assert.deepEqual([...viewAtAddress(addressOf(ints)!, "int32", 2)], [7, 8]);
    const bools = new Uint8Array([0, 1, 1]);
    assert.deepEqual([...viewAtAddress(addressOf(bools)!, "bool", 3)], [0, 1, 1]);
    assert.equal(viewAtAddress(addressOf(owner)!, "float32", 0).length, 0);
  },
});

Deno.test({
  name: "viewAtAddress refuses a length that is not one",
  ignore: !linux || !ffi,
  fn() {
    const at = addressOf(new Float32Array(4))!;
    assert.throws(
      () => viewAtAddress(at, "float32", -1),
      /viewAtAddress: expected a length, found -1/,
    );
    assert.throws(() => viewAtAddress(at, "float32", 1.5), /expected a length, found 1.5/);
  },
});
