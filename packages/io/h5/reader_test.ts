import assert from "node:assert/strict";
import { readH5 } from "./reader.ts";
import { H5Writer } from "./writer.ts";
import { KERAS_FIXTURES, needsOutsideData, readCaseJson, WILD_FIXTURES } from "../_test_util.ts";

const CASE = "bidi_custom_backward_layer";
const weightsPath = `${KERAS_FIXTURES}/${CASE}/model.weights.h5`;

Deno.test("readH5 reads a Keras 3 .weights.h5: groups, name attributes and float32 datasets", () => {
  const root = readH5(Deno.readFileSync(weightsPath), "model.weights.h5");
  assert.deepEqual(root.keys(), ["layers", "vars"]);
  assert.equal(root.group("vars").attr("name"), "sequential");
  const bidi = root.group("layers/bidirectional");
  assert.deepEqual(bidi.keys(), ["backward_layer", "forward_layer", "vars"]);
  assert.equal(bidi.group("forward_layer/vars").attr("name"), "forward_lstm");
  const kernel = root.dataset("layers/bidirectional/forward_layer/cell/vars/0");
  assert.deepEqual(kernel.shape, [3, 16]);
  assert.equal(kernel.dtype, "float32");
  const want = (readCaseJson(KERAS_FIXTURES, CASE).weights as { data: number[] }[])[0].data;
  assert.deepEqual(Array.from(kernel.readFloat32()), want.map(Math.fround));
  assert.deepEqual(root.dataset("layers/bidirectional/backward_layer/cell/vars/2").shape, [2, 9]);
});

Deno.test("readH5 reads a legacy model.h5: variable-length string attributes and weight_names", () => {
  const root = readH5(Deno.readFileSync(`${KERAS_FIXTURES}/${CASE}/model.h5`), "model.h5");
  assert.equal(root.attr("keras_version"), "3.15.1");
  const config = JSON.parse(root.attr("model_config") as string);
  assert.equal(config.class_name, "Sequential");
  const mw = root.group("model_weights");
  assert.deepEqual(mw.attr("layer_names"), ["bidirectional"]);
  const names = mw.group("bidirectional").attr("weight_names") as string[];
  assert.equal(names[0], "sequential/bidirectional/forward_lstm/lstm_cell/kernel");
  assert.deepEqual(mw.group("bidirectional").dataset(names[0]).shape, [3, 16]);
  assert.deepEqual(mw.group("top_level_model_weights").attr("weight_names"), []);
});

Deno.test({
  ...needsOutsideData(
    "readH5 reads fixed-length string attributes of a Keras 2.0 file",
    WILD_FIXTURES,
  ),
  fn() {
    const path = `${WILD_FIXTURES}/aind_gru_timedistributed/simple_rnn_model.h5`;
    const root = readH5(Deno.readFileSync(path), path);
    assert.equal(root.attr("keras_version"), "2.0.4");
    const mw = root.group("model_weights");
    assert.deepEqual(mw.attr("layer_names"), ["input_2", "gru_2", "time_distributed_2"]);
    assert.deepEqual(mw.group("gru_2").attr("weight_names"), [
      "gru_2/kernel:0",
      "gru_2/recurrent_kernel:0",
      "gru_2/bias:0",
    ]);
    assert.deepEqual(mw.group("gru_2").dataset("gru_2/bias:0").shape, [192]);
    assert.deepEqual(mw.group("input_2").attr("weight_names"), []);
  },
});

Deno.test("readH5 refuses bytes that are not HDF5", () => {
  assert.throws(
    () => readH5(new TextEncoder().encode("hello, world"), "notes.txt"),
    { name: "TypeError", message: /notes\.txt: not an HDF5 file/ },
  );
});

Deno.test("readH5 names the file when it is truncated", () => {
  const bytes = Deno.readFileSync(weightsPath);
  assert.throws(() => {
    const root = readH5(bytes.slice(0, 2000), "cut.weights.h5");
    root.dataset("layers/bidirectional/forward_layer/cell/vars/0").read();
  }, { name: "RangeError", message: /^cut\.weights\.h5: truncated or corrupted HDF5 file/ });
});

Deno.test("readH5 reports a corrupted B-tree signature", () => {
  const bytes = Deno.readFileSync(weightsPath).slice();
  const at = findAll(bytes, "TREE")[0];
  bytes[at] = 0x58; // "XREE"
  assert.throws(() => readH5(bytes, "bad.h5").keys(), {
    name: "TypeError",
    message: /bad\.h5: corrupted HDF5 file: expected the B-tree node .*signature "TREE"/,
  });
});

Deno.test("H5Group.dataset and group name the missing path", () => {
  const root = readH5(Deno.readFileSync(weightsPath), "w.h5");
  assert.equal(root.get("layers/nope"), null);
  assert.throws(() => root.dataset("layers/nope/vars/0"), {
    name: "TypeError",
    message: 'w.h5: no dataset "/layers/nope/vars/0"',
  });
  assert.throws(() => root.group("layers/bidirectional/vars/none"), {
    message: 'w.h5: no group "/layers/bidirectional/vars/none"',
  });
  assert.throws(() => root.group("layers/bidirectional/forward_layer/cell/vars/0"), {
    message: /\(it is a dataset\)/,
  });
});

function findAll(bytes: Uint8Array, sig: string): number[] {
  const s = new TextEncoder().encode(sig);
  const out: number[] = [];
  for (let i = 0; i + s.length <= bytes.length; i++) {
    if (s.every((b, j) => bytes[i + j] === b)) out.push(i);
  }
  return out;
}

Deno.test("H5Dataset.read refuses absurd declared sizes and data beyond the end of the file", () => {
  const w = new H5Writer();
  w.dataset("d", new Float32Array(6), [2, 3]);
  const good = w.toBytes();
  // The dataspace message: version 1, rank 2, then dims 2 and 3 as 8-byte integers.
  const pattern = [1, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3];
  const at = good.findIndex((_, i) => pattern.every((b, j) => good[i + j] === b));
  assert.ok(at > 0);
  const huge = good.slice();
  new DataView(huge.buffer).setUint32(at + 12, 1 << 20, true); // dim 0 = 2^52
  assert.throws(() => readH5(huge, "huge.h5").dataset("d").read(), {
    name: "RangeError",
    message:
      /^huge\.h5: dataset "\/d" declares \d+ bytes of data, more than the 2147483648-byte limit/,
  });
  const long = good.slice();
  new DataView(long.buffer).setUint32(at + 8, 100000, true); // dim 0 = 100000
  assert.throws(() => readH5(long, "long.h5").dataset("d").read(), {
    name: "RangeError",
    message: /^long\.h5: truncated or corrupted HDF5 file: dataset "\/d" needs bytes/,
  });
});
