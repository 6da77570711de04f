import assert from "node:assert/strict";
import { hugePagesAvailable, Tensor, viewAtAddress } from "@kerno/tensor";
import {
  CallOutput,
  rowsRef,
  sharedOutput,
  Stager,
  stagingBytesPerRow,
  viewOf,
} from "./_staging.ts";

Deno.test("Stager copies a window of a plain input and passes a shared one through", () => {
  const plain = new Tensor(Float32Array.from({ length: 12 }, (_, i) => i), [6, 2]);
  const sab = new Int32Array(new SharedArrayBuffer(24));
  sab.set([1, 2, 3, 4, 5, 6]);
  const shared = new Tensor(sab, [6, 1]);
  assert.equal(stagingBytesPerRow([plain, shared]), 8);
  const stager = new Stager([plain, shared], 2);
  const [a, b] = stager.open({ start: 2, end: 4 });
  stager.fill({ start: 2, end: 4 });
  assert.deepEqual(Array.from(viewOf(rowsRef(a, { start: 3, end: 4 }))), [6, 7]);
  assert.equal(b.buffer, sab.buffer);
  assert.deepEqual(rowsRef(b, { start: 3, end: 5 }).shape, [2, 1]);
  assert.deepEqual(Array.from(viewOf(rowsRef(b, { start: 3, end: 5 }))), [4, 5]);
});

Deno.test("sharedOutput allocates a zeroed tensor in shared memory", () => {
  const { tensor, rows } = sharedOutput("float32", 3, [2]);
  assert.deepEqual(tensor.shape, [3, 2]);
  assert.ok(tensor.data.buffer instanceof SharedArrayBuffer);
  viewOf(rowsRef(rows, { start: 1, end: 2 })).set([7, 8]);
  assert.deepEqual(Array.from(tensor.data), [0, 0, 7, 8, 0, 0]);
});

// libc is opened before the tests: a library opened inside one trips the resource sanitizer.
hugePagesAvailable();

Deno.test("sharedOutput on huge pages (40 MiB) is zeroed and its rows are writable", () => {
  const rows = 10 * 1024;
  const { tensor, rows: view } = sharedOutput("float32", rows, [1024], true);
  assert.deepEqual(tensor.shape, [rows, 1024]);
  const f = tensor.data as Float32Array;
  assert.equal(f[0] + f[f.length - 1], 0);
  viewOf(rowsRef(view, { start: rows - 1, end: rows })).fill(2);
  assert.equal(f[f.length - 1], 2);
  assert.equal(f[f.length - 1025], 0);
});

Deno.test("Stager reuses a large enough spare buffer and allocates past a small one", () => {
  const a = new Tensor(Float32Array.from({ length: 6 }, (_, i) => i), [3, 2]);
  const b = new Tensor(Int32Array.from([7, 8, 9]), [3, 1]);
  const first = new Stager([a, b], 3);
  assert.equal(first.buffer!.byteLength, 128); // two regions, each rounded up to 64 bytes
  const again = new Stager([a, b], 3, first.buffer);
  assert.equal(again.buffer, first.buffer);
  const [ra, rb] = again.open({ start: 1, end: 3 });
  again.fill({ start: 1, end: 3 });
  assert.equal(rb.byteOffset, 64);
  assert.deepEqual(Array.from(viewOf(rowsRef(ra, { start: 1, end: 3 }))), [2, 3, 4, 5]);
  assert.deepEqual(Array.from(viewOf(rowsRef(rb, { start: 2, end: 3 }))), [9]);
  const small = new SharedArrayBuffer(64);
  assert.notEqual(new Stager([a, b], 3, small).buffer, small);
  const shared = new Tensor(new Float32Array(new SharedArrayBuffer(8)), [2, 1]);
  assert.equal(new Stager([shared], 2, small).buffer, null);
});

Deno.test("Stager.open copies nothing; fill copies the rows up to a shard's end, once", () => {
  const plain = new Tensor(Float32Array.from({ length: 12 }, (_, i) => i + 1), [6, 2]);
  const stager = new Stager([plain], 4);
  const [rows] = stager.open({ start: 2, end: 6 });
  const window = viewOf(rowsRef(rows, { start: 2, end: 6 }));
  assert.deepEqual(Array.from(window), [0, 0, 0, 0, 0, 0, 0, 0]);
  stager.fill({ start: 2, end: 3 });
  assert.deepEqual(Array.from(window), [5, 6, 0, 0, 0, 0, 0, 0]);
  stager.fill({ start: 3, end: 5 });
  assert.deepEqual(Array.from(window), [5, 6, 7, 8, 9, 10, 0, 0]);
  window[0] = -1; // a row already in is not copied again
  stager.fill({ start: 2, end: 3 });
  stager.fill({ start: 5, end: 9 }); // clamped to the window
  assert.deepEqual(Array.from(window), [-1, 6, 7, 8, 9, 10, 11, 12]);
});

const addresses = Deno.build.os === "linux" &&
  Deno.permissions.querySync({ name: "ffi" }).state === "granted";

Deno.test("CallOutput.shared hands out shared row views and takes rows sent back", () => {
  const out = CallOutput.shared("int32", 4, [3]);
  assert.equal(out.addressed, false);
  assert.ok(out.tensor.data.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(out.ref({ start: 1, end: 3 }).shape, [2, 3]);
  viewOf(out.ref({ start: 1, end: 2 })).set([1, 2, 3]);
  out.write({ start: 3, end: 4 }, Int32Array.of(4, 5, 6).buffer);
  assert.deepEqual(Array.from(out.tensor.data), [0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6]);
  assert.throws(() => out.span({ start: 0, end: 1 }), /this output has no address/);
});

Deno.test({
  name: "CallOutput.addressed is ordinary zeroed memory whose rows are written by address",
  ignore: !addresses,
  fn() {
    const out = CallOutput.addressed("float32", 5, [2, 2])!;
    assert.equal(out.addressed, true);
    assert.ok(out.tensor.data.buffer instanceof ArrayBuffer);
    assert.deepEqual(out.tensor.shape, [5, 2, 2]);
    const span = out.span({ start: 3, end: 5 });
    assert.deepEqual(span.shape, [2, 2, 2]);
    assert.equal(span.dtype, "float32");
    assert.equal(span.address - out.span({ start: 0, end: 1 }).address, 3 * 16);
    viewAtAddress(span.address, "float32", 8).set(
      Float32Array.from({ length: 8 }, (_, i) => i + 1),
    );
    out.write({ start: 0, end: 1 }, Float32Array.of(-1, -2, -3, -4).buffer);
    assert.deepEqual(
      Array.from(out.tensor.data),
      [-1, -2, -3, -4, ...new Array(8).fill(0), 1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.throws(() => out.ref({ start: 0, end: 1 }), /this output is not shared/);
    assert.equal(CallOutput.addressed("float32", 0, [2]), null);
  },
});
