/** `kerno predict` refuses bad paths and options before any work, and caps the workers. */
import assert from "node:assert/strict";
import { writeNpy } from "@kerno/io";
import { Tensor } from "@kerno/tensor";
import { runMain as run } from "./_test_util.ts";

const MODEL = new URL("../../tests/fixtures/keras/lstm_seq_state/model.keras", import.meta.url)
  .pathname;

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kerno_paths_" });
  try {
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(Tensor.zeros([200, 5, 3])));
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("predictCommand refuses a missing output folder before predicting", async () => {
  await inTempDir(async (dir) => {
    const r = await run(["predict", "-m", MODEL, "-i", `${dir}/x.npy`, "-o", `${dir}/no/y.npz`]);
    assert.deepEqual(r, {
      code: 1,
      out: "",
      err: `kerno: error: output folder not found: ${dir}/no (for ${dir}/no/y.npz)\n`,
    });
  });
});

Deno.test("predictCommand names a missing input file", async () => {
  await inTempDir(async (dir) => {
    const r = await run(["predict", "-m", MODEL, "-i", `${dir}/nope.npy`, "-o", `${dir}/y.npz`]);
    assert.deepEqual(r, {
      code: 1,
      out: "",
      err: `kerno: error: input file not found: ${dir}/nope.npy (--input 1)\n`,
    });
  });
});

Deno.test("predictCommand refuses an output that is not .npy or a single .npz", async () => {
  await inTempDir(async (dir) => {
    const r = await run(["predict", "-m", MODEL, "-i", `${dir}/x.npy`, "-o", `${dir}/y.csv`]);
    assert.equal(r.code, 2);
    assert.equal(
      r.err.split("\n")[0],
      `kerno predict: --output ${dir}/y.csv: expected a .npy file per output (or a single .npz for all)`,
    );
    await assert.rejects(Deno.stat(`${dir}/y.csv`), Deno.errors.NotFound);
  });
});

Deno.test("predictCommand reads -w -1 as a bad worker count", async () => {
  const r = await run(["predict", "-m", MODEL, "-i", "x.npy", "-o", "y.npy", "-w", "-1"]);
  assert.equal(r.code, 2);
  assert.equal(
    r.err.split("\n")[0],
    'kerno predict: --workers must be a positive integer, received "-1"',
  );
});

Deno.test("predictCommand caps the workers at the cores and at the batches, and says so", async () => {
  await inTempDir(async (dir) => {
    const cores = navigator.hardwareConcurrency;
    const r = await run([
      "predict",
      "-m",
      MODEL,
      "-i",
      `${dir}/x.npy`,
      "-o",
      `${dir}/y.npz`,
      "-w",
      "999",
      "-b",
      "150",
    ]);
    assert.equal(r.code, 0, r.err);
    const lines = r.err.split("\n");
    assert.equal(
      lines[0],
      `kerno predict: --workers 999 capped at ${cores}, the number of cores (--oversubscribe starts them all)`,
    );
    const used = Math.min(cores, 2);
    if (cores > 2) {
      assert.equal(
        lines[1],
        "kerno predict: 2 worker(s) for 200 rows (2 batch(es) of --batch-size 150)",
      );
    }
    assert.match(r.out, new RegExp(`\\(${used} workers\\)\\n$`));
    const forced = await run([
      ...["predict", "-m", MODEL, "-i", `${dir}/x.npy`, "-o", `${dir}/y.npz`],
      ...["-w", "3", "--oversubscribe", "-b", "150"],
    ]);
    assert.equal(
      forced.err.split("\n")[0],
      "kerno predict: 2 worker(s) for 200 rows (2 batch(es) of --batch-size 150)",
    );
    assert.match(forced.out, /\(2 workers\)\n$/);
  });
});

Deno.test("openModel names the file once for a file that is not a model", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/text.keras`, "hello\n");
    const r = await run(["summary", `${dir}/text.keras`]);
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      `kerno: error: cannot load model ${dir}/text.keras: not a Keras model file: expected a .keras zip ("PK\\x03\\x04"), an HDF5 .h5 ("\\x89HDF\\r\\n\\x1a\\n") or a JSON config ("{"), found "hello\\\\x0a"\n`,
    );
  });
});
