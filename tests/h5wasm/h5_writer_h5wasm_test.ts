/**
 * `@kerno/io/h5` against the HDF5 C library (h5wasm, 15 MB of npm package): the writer's files
 * open in it, and the reader reads the chunked, gzip-compressed datasets it writes. These tests
 * have their own config and lock (`tests/h5wasm/h5wasm.json`), so that the workspace's lock does
 * not list h5wasm and `deno task demo` does not download it; `deno task test` runs them first.
 *
 * @module
 */
import assert from "node:assert/strict";
import h5wasm, { type Dataset, type Group } from "h5wasm";
import { H5Writer, readH5 } from "@kerno/io/h5";

function sample(): H5Writer {
  const w = new H5Writer();
  w.group("vars", { name: "sequential" });
  for (let i = 0; i < 20; i++) {
    w.group(`layers/dense_${i}/vars`, { name: `dense_${i}` });
    w.dataset(`layers/dense_${i}/vars/0`, new Float32Array([0.5, -1, 2, 3, 4, i]), [2, 3]);
  }
  w.group("layers/input_layer/vars", { name: "input_layer" });
  w.rootAttr("keras_version", "3.15.1");
  w.rootAttr("layer_names", ["a", "bb", "", "ccc"]);
  w.rootAttr("empty", new Float64Array(0));
  w.dataset("ints", new Int32Array([7, -8]), [2]);
  w.dataset("doubles", new Float64Array([0.1]), []);
  return w;
}

// The same file as packages/io/h5/writer_test.ts's sample().
Deno.test("H5Writer output is read by the HDF5 C library (h5wasm), by name lookup", async () => {
  const { FS } = await h5wasm.ready;
  FS!.writeFile("/writer_test.h5", sample().toBytes());
  const f = new h5wasm.File("/writer_test.h5", "r");
  try {
    for (let i = 0; i < 20; i++) {
      const d = f.get(`layers/dense_${i}/vars/0`) as Dataset;
      assert.deepEqual(d.shape, [2, 3]);
      assert.deepEqual(Array.from(d.value as Float32Array), [0.5, -1, 2, 3, 4, i]);
      const g = f.get(`layers/dense_${i}/vars`) as Group;
      assert.equal(g.attrs["name"].value, `dense_${i}`);
    }
    assert.deepEqual(f.attrs["layer_names"].value, ["a", "bb", "", "ccc"]);
    assert.equal(f.attrs["keras_version"].value, "3.15.1");
    assert.deepEqual(Array.from((f.get("ints") as Dataset).value as Int32Array), [7, -8]);
    assert.equal(f.get("layers/missing"), null);
  } finally {
    f.close();
    FS!.unlink("/writer_test.h5");
  }
});

Deno.test("readH5 reads chunked, gzip-compressed datasets written by the HDF5 C library", async () => {
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File("/chunked_test.h5", "w");
  const values = Float32Array.from({ length: 7 * 5 }, (_, i) => i * 0.25 - 3);
  f.create_dataset({
    name: "w",
    data: values,
    shape: [7, 5],
    dtype: "<f",
    chunks: [3, 2],
    compression: "gzip",
    compression_opts: [4],
  });
  f.close();
  const bytes = FS!.readFile("/chunked_test.h5");
  FS!.unlink("/chunked_test.h5");
  const d = readH5(bytes, "chunked.h5").dataset("w");
  assert.deepEqual(d.shape, [7, 5]);
  assert.deepEqual(Array.from(d.readFloat32()), Array.from(values));
});

Deno.test("readH5 inflates multi-chunk gzip datasets of 64 KiB written by the HDF5 C library", async () => {
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File("/gzip_test.h5", "w");
  // Weights-like values, then a run of zeros: chunks deflate to dynamic-Huffman blocks.
  let s = 1;
  const values = Float32Array.from({ length: 128 * 128 }, (_, i) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return i < 128 * 96 ? Math.round((s / 2 ** 32 - 0.5) * 64) / 256 : 0;
  });
  for (const level of [1, 9]) {
    f.create_dataset({
      name: `w${level}`,
      data: values,
      shape: [128, 128],
      dtype: "<f",
      chunks: [32, 64],
      compression: "gzip",
      compression_opts: [level],
    });
  }
  f.close();
  const bytes = FS!.readFile("/gzip_test.h5");
  FS!.unlink("/gzip_test.h5");
  assert.ok(bytes.length < values.byteLength, `${bytes.length} bytes: not compressed`);
  const file = readH5(bytes, "gzip.h5");
  for (const level of [1, 9]) {
    const d = file.dataset(`w${level}`);
    assert.deepEqual(d.shape, [128, 128]);
    assert.deepEqual(d.readFloat32(), values);
  }
});
