/** `kerno predict` end to end on Keras fixture models: npy in, npy out, compared with Keras. */
import assert from "node:assert/strict";
import { loadModel, readNpy, readNpz, writeNpy } from "@kerno/io";
import { Tensor } from "@kerno/tensor";
import { runMain as run } from "./_test_util.ts";

const FIXTURES = new URL("../../tests/fixtures/keras/", import.meta.url);

interface ArrayJson {
  name: string;
  shape: number[];
  dtype: string;
  data: number[];
}

function toTensor(a: ArrayJson): Tensor {
  const data = a.dtype === "int32" ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape);
}

function assertClose(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what} shape`);
  for (let i = 0; i < got.size; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    assert.ok(
      d <= 1e-5 + 1e-5 * Math.abs(want.data[i]),
      `${what}[${i}]: ${got.data[i]} vs ${want.data[i]}`,
    );
  }
}

async function withCase(
  name: string,
  body: (
    dir: string,
    model: string,
    c: { inputs: ArrayJson[]; outputs: ArrayJson[] },
  ) => Promise<void>,
) {
  const c = JSON.parse(await Deno.readTextFile(new URL(`${name}/case.json`, FIXTURES)));
  const dir = await Deno.makeTempDir({ prefix: "kerno_cli_" });
  try {
    for (const [i, x] of (c.inputs as ArrayJson[]).entries()) {
      await Deno.writeFile(`${dir}/x${i}.npy`, writeNpy(toTensor(x)));
    }
    await body(dir, new URL(`${name}/model.keras`, FIXTURES).pathname, c);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("predictCommand writes each output as .npy, matching Keras and model.predict", async () => {
  await withCase("lstm_seq_state", async (dir, modelPath, c) => {
    const outs = ["seq", "h", "c"].map((n) => `${dir}/${n}.npy`);
    const r = await run([
      "predict",
      "--model",
      modelPath,
      "--input",
      `${dir}/x0.npy`,
      ...outs.flatMap((o) => ["--output", o]),
      "--workers",
      "2",
      "--batch-size",
      "1",
    ]);
    assert.equal(r.err.split("\n").at(-2), "progress: 2/2 rows (100%)");
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^predicted 2 sequences in \d+\.\d\d s: [\d,]+\.\d sequences\/s \(2 workers\)\n$/,
    );
    const model = await loadModel(modelPath);
    const want = model.predictFlat([toTensor(c.inputs[0])]);
    for (const [i, path] of outs.entries()) {
      const got = readNpy(await Deno.readFile(path));
      assert.deepEqual(got.data, want[i].data, `output ${i} bit-identical to model.predict`);
      assertClose(got, toTensor(c.outputs[i]), `output ${i}`);
    }
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["c.npy", "h.npy", "seq.npy", "x0.npy"], "no temporary files");
  });
});

Deno.test("predictCommand --deterministic gives model.predict's deterministic bits", async () => {
  await withCase("lstm_seq_state", async (dir, modelPath, c) => {
    const outs = ["seq", "h", "c"].map((n) => `${dir}/${n}.npy`);
    const args = ["predict", "-m", modelPath, "-i", `${dir}/x0.npy`, "-q", "-w", "2"];
    const r = await run([...args, ...outs.flatMap((o) => ["-o", o]), "--deterministic"]);
    assert.equal(r.code, 0, r.err);
    const model = await loadModel(modelPath);
    const want = model.predictFlat([toTensor(c.inputs[0])], { deterministic: true });
    for (const [i, path] of outs.entries()) {
      const got = readNpy(await Deno.readFile(path));
      assert.deepEqual(got.data, want[i].data, `output ${i} bit-identical in deterministic mode`);
    }
  });
});

Deno.test("predictCommand takes several inputs and one .npz for all outputs", async () => {
  await withCase("embedding_mask_initial_state", async (dir, modelPath, c) => {
    const r = await run([
      "predict",
      "-m",
      modelPath,
      "-i",
      `${dir}/x0.npy`,
      "-i",
      `${dir}/x1.npy`,
      "-i",
      `${dir}/x2.npy`,
      "-o",
      `${dir}/all.npz`,
      "-q",
    ]);
    assert.deepEqual(r, { code: 0, out: "", err: "" });
    const arrays = readNpz(await Deno.readFile(`${dir}/all.npz`));
    assert.equal(arrays.size, c.outputs.length);
    [...arrays.values()].forEach((t, i) => assertClose(t, toTensor(c.outputs[i]), `output ${i}`));
  });
});

Deno.test("predictCommand refuses wrong file counts (exit 2) and bad data (exit 1)", async () => {
  await withCase("lstm_seq_state", async (dir, modelPath) => {
    const few = await run([
      "predict",
      "-m",
      modelPath,
      "-i",
      `${dir}/x0.npy`,
      "-o",
      `${dir}/y.npy`,
    ]);
    assert.equal(few.code, 2);
    assert.equal(
      few.err.split("\n")[0],
      "kerno predict: the model has 3 output(s) (lstm/sequence, lstm/h, lstm/c), but 1 --output file(s) were given (or give one .npz for all)",
    );
    await Deno.writeFile(`${dir}/bad.npy`, writeNpy(Tensor.zeros([2, 5, 7])));
    const bad = await run([
      "predict",
      "-m",
      modelPath,
      "-i",
      `${dir}/bad.npy`,
      "-o",
      `${dir}/all.npz`,
    ]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.err,
      'kerno: error: Input 0 ("input_layer") of model "functional" is incompatible: expected shape (None, 5, 3), ' +
        `received shape (2, 5, 7) (${dir}/bad.npy)\n`,
    );
    await assert.rejects(Deno.stat(`${dir}/all.npz`), Deno.errors.NotFound);
  });
});

Deno.test("summaryCommand prints the Keras summary table", async () => {
  const modelPath = new URL("lstm_seq_state/model.keras", FIXTURES).pathname;
  const r = await run(["summary", modelPath]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /lstm \(LSTM\)/);
  assert.match(r.out, /Total params: 128 \(512\.00 B\)/);
});
