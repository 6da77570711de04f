import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { readNpy, writeNpy } from "./npy.ts";

/** A .npy (v1.0) built by hand, as numpy lays it out. */
function npy(descr: string, shape: string, data: ArrayBufferView, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${
    fortran ? "True" : "False"
  }, 'shape': ${shape}, }`;
  header += " ".repeat((64 - ((10 + header.length + 1) % 64)) % 64) + "\n";
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(body, 10 + header.length);
  return out;
}

Deno.test("writeNpy writes numpy's v1.0 layout with a 64-byte aligned header", () => {
  const bytes = writeNpy(tensor([[1, 2, 3], [4, 5, 6]]));
  const headerLength = new DataView(bytes.buffer).getUint16(8, true);
  assert.equal((10 + headerLength) % 64, 0);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  assert.equal(header.trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
  assert.equal(bytes.length, 10 + headerLength + 24);
});

Deno.test("readNpy round-trips float32, int32 and bool tensors", () => {
  const f = readNpy(writeNpy(tensor([0.1, -2.5, 3], [3, 1])));
  assert.deepEqual(f.shape, [3, 1]);
  assert.equal(f.dtype, "float32");
  assert.deepEqual(Array.from(f.data), [Math.fround(0.1), -2.5, 3]);
  const i = readNpy(writeNpy(tensor([[1, -2]], undefined, "int32")));
  assert.equal(i.dtype, "int32");
  assert.deepEqual(Array.from(i.data), [1, -2]);
  const b = readNpy(writeNpy(tensor([1, 0, 1], [3], "bool")));
  assert.equal(b.dtype, "bool");
  assert.deepEqual(Array.from(b.data), [1, 0, 1]);
  assert.deepEqual(readNpy(writeNpy(tensor(7, []))).shape, []);
});

Deno.test("readNpy converts float64 to float32 and int64 to int32", () => {
  const f = readNpy(npy("<f8", "(2,)", new Float64Array([0.1, 1e300])));
  assert.equal(f.dtype, "float32");
  assert.deepEqual(Array.from(f.data), [Math.fround(0.1), Infinity]);
  const i = readNpy(npy("<i8", "(3,)", new BigInt64Array([1n, -5n, 2147483647n])));
  assert.deepEqual(Array.from(i.data), [1, -5, 2147483647]);
  assert.equal(i.dtype, "int32");
  const u8 = readNpy(npy("|u1", "(2,)", new Uint8Array([200, 3])));
  assert.deepEqual(Array.from(u8.data), [200, 3]);
});

Deno.test("readNpy refuses int64 values outside the int32 range", () => {
  assert.throws(() => readNpy(npy("<i8", "(2,)", new BigInt64Array([1n, 2n ** 40n])), "ids.npy"), {
    name: "RangeError",
    message: "ids.npy: value 1099511627776 at flat index 1 of a <i8 array does not fit in int32",
  });
});

Deno.test("readNpy refuses Fortran order, object, big-endian and unknown dtypes by name", () => {
  const data = new Float32Array(4);
  assert.throws(() => readNpy(npy("<f4", "(2, 2)", data, true), "f.npy"), {
    name: "TypeError",
    message: /^f\.npy: Fortran-order arrays are not supported/,
  });
  assert.throws(() => readNpy(npy("|O", "(2,)", data), "o.npy"), {
    message: /^o\.npy: object arrays \(dtype \|O\) are refused/,
  });
  assert.throws(() => readNpy(npy(">f4", "(4,)", data), "be.npy"), {
    message: /^be\.npy: big-endian arrays \(dtype >f4\) are not supported/,
  });
  assert.throws(() => readNpy(npy("<c8", "(2,)", data), "c.npy"), {
    message: /^c\.npy: unsupported \.npy dtype <c8/,
  });
});

Deno.test("readNpy reports truncated and foreign files", () => {
  const good = writeNpy(tensor([1, 2, 3, 4]));
  assert.throws(() => readNpy(good.slice(0, good.length - 3), "cut.npy"), {
    name: "RangeError",
    message:
      /^cut\.npy: truncated \.npy file: shape \(4\) of <f4 needs 144 bytes, the file has 141/,
  });
  assert.throws(() => readNpy(good.slice(0, 30), "head.npy"), { name: "RangeError" });
  assert.throws(() => readNpy(new Uint8Array(20), "zero.npy"), {
    message: 'zero.npy: not a .npy file (no "\\x93NUMPY" magic)',
  });
});
