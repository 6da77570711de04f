import assert from "node:assert/strict";
import { H5Writer } from "./writer.ts";
import { readH5 } from "./reader.ts";

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

Deno.test("H5Writer output reads back with readH5: groups, datasets, string attributes", () => {
  const root = readH5(sample().toBytes(), "sample.h5");
  assert.deepEqual(root.keys(), ["doubles", "ints", "layers", "vars"]);
  assert.equal(root.group("layers").keys().length, 21);
  assert.equal(root.attr("keras_version"), "3.15.1");
  assert.deepEqual(root.attr("layer_names"), ["a", "bb", "", "ccc"]);
  assert.deepEqual(root.attr("empty"), []);
  assert.deepEqual(Array.from(root.dataset("ints").read() as Int32Array), [7, -8]);
  assert.deepEqual(root.dataset("doubles").shape, []);
  assert.deepEqual(Array.from(root.dataset("doubles").read() as Float64Array), [0.1]);
  const d = root.dataset("layers/dense_13/vars/0");
  assert.deepEqual(d.shape, [2, 3]);
  assert.deepEqual(Array.from(d.readFloat32()), [0.5, -1, 2, 3, 4, 13]);
  assert.equal(root.group("layers/dense_13/vars").attr("name"), "dense_13");
  assert.deepEqual(root.group("layers/input_layer/vars").keys(), []);
});

Deno.test("H5Writer refuses a dataset whose data does not fill its shape", () => {
  const w = new H5Writer();
  assert.throws(() => w.dataset("a/b", new Float32Array(5), [2, 3]), {
    name: "RangeError",
    message: 'H5Writer: dataset "a/b" has shape [2, 3] (6 values), but 5 values were given',
  });
});
