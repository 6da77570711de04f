/**
 * The failures of the mutation campaign against 9f657d7 (issue 12), each as a fixed case: a
 * hostile file or input ends in Kerno's own error naming the file and the limit, and the
 * decompression bomb and huge-units files fail in under a second with under 200 MiB of memory,
 * measured in a child process by the fuzz harness.
 */
import assert from "node:assert/strict";
import { loadModel, readZip, writeZip } from "@kerno/io";
import { modelFromJSON } from "@kerno/model";
import { tensor } from "@kerno/tensor";
import { buildZip } from "../scripts/fuzz/zip_build.ts";
import { deepValue } from "../scripts/fuzz/mutate_json.ts";

const FIXTURES = decodeURIComponent(new URL("./fixtures/keras", import.meta.url).pathname);
const REPO = decodeURIComponent(new URL("../", import.meta.url).pathname);
const enc = new TextEncoder();

/** Keras JSON as the tests edit it: any field may be read or written. */
// deno-lint-ignore no-explicit-any
type Json = any;
type Config = { config: { layers: Record<string, Json>[] } };

/** The case's model.keras with `entry` (JSON) changed by `edit`. */
function editedKeras(
  kase: string,
  edit: (json: Json) => unknown,
  entry = "config.json",
): Uint8Array {
  const files = Object.fromEntries(readZip(Deno.readFileSync(`${FIXTURES}/${kase}/model.keras`)));
  files[entry] = enc.encode(
    JSON.stringify(edit(JSON.parse(new TextDecoder().decode(files[entry])))),
  );
  return writeZip(files);
}

async function loadError(bytes: Uint8Array, label: string): Promise<Error> {
  try {
    await loadModel(bytes, { label });
  } catch (e) {
    return e as Error;
  }
  throw new Error(`${label} loaded`);
}

Deno.test("units of 1e5 in a file: the config declares more weights than the file holds", async () => {
  const bytes = editedKeras("lstm_default", (c: Config) => {
    c.config.layers[1].config.units = 1e5;
    return c;
  });
  const e = await loadError(bytes, "units.keras");
  assert.equal(
    e.message,
    'units.keras: LSTMCell layer "lstm_cell", weight "kernel": the config declares at least 4.58 MiB of weights (this one has shape (3, 400000)), but units.keras:model.weights.h5 holds only 512 B of weight data: the config and the weights do not match',
  );
  assert.ok(e instanceof RangeError);
});

Deno.test("units of 1e9: one weight over maxWeightTensorBytes, with the option that raises it", async () => {
  const bytes = editedKeras("lstm_default", (c: Config) => {
    c.config.layers[1].config.units = 1e9;
    return c;
  });
  const e = await loadError(bytes, "units.keras");
  assert.match(
    e.message,
    /^units\.keras: LSTMCell layer "lstm_cell", weight "kernel": the config declares a weight of shape \(3, 4000000000\) \(44\.7 GiB\), more than allowed \(limit maxWeightTensorBytes = 2 GiB; if the file is trusted, raise it with the option limits: \{ maxWeightTensorBytes \}, setDefaultLimits, or kerno --limit maxWeightTensorBytes=…\)$/,
  );
});

Deno.test("an input dimension of 1e300 is refused by the input layer", async () => {
  const bytes = editedKeras("lstm_default", (c: Config) => {
    c.config.layers[0].config.batch_shape = [null, 5, 1e300];
    return c;
  });
  assert.equal(
    (await loadError(bytes, "dim.keras")).message,
    'dim.keras: InputLayer layer "input_layer": Input: dimension 2 of batchShape is 1e+300, more than the 2147483647 one dimension may have',
  );
});

Deno.test("a config without a file: units of 1e4 stays within the limits set for it", () => {
  const config =
    JSON.parse(Deno.readTextFileSync(`${FIXTURES}/lstm_default/case.json`)).model_config;
  config.config.layers[1].config.units = 1e4;
  assert.throws(() => modelFromJSON(config, { limits: { maxTotalWeightBytes: 2 ** 20 } }), {
    name: "RangeError",
    message:
      /^LSTMCell layer "lstm_cell", weight "recurrent_kernel": the config declares more than 469 KiB \+ 1\.49 GiB of weights \(limit maxTotalWeightBytes = 1 MiB;/,
  });
});

for (const where of ["name", "kernel_constraint", "mask"]) {
  Deno.test(`a value nested 10,000 levels deep (${where}) is refused before any walk`, async () => {
    const bytes = editedKeras("embedding_mask_initial_state", (c: Config) => {
      const lstm = c.config.layers.find((l) => l.class_name === "LSTM")!;
      if (where === "mask") lstm.inbound_nodes[0].kwargs.mask = deepValue(10_000, "array");
      else lstm.config[where] = deepValue(10_000, "object");
      return c;
    });
    const e = await loadError(bytes, "deep.keras");
    assert.match(
      e.message,
      /^deep\.keras:config\.json: the config nests deeper than 100 levels \(at \.config\.layers\[\d+\]\./,
    );
    assert.match(e.message, /limit maxJsonDepth = 100;/);
  });
}

Deno.test("metadata.json that is null", async () => {
  const bytes = editedKeras("lstm_default", () => null, "metadata.json");
  assert.equal(
    (await loadError(bytes, "meta.keras")).message,
    "meta.keras:metadata.json: expected a JSON object, found null",
  );
});

Deno.test("keras_history pointing at its own layer", async () => {
  const bytes = editedKeras("embedding_mask_initial_state", (c: Config) => {
    const emb = c.config.layers.find((l) => l.class_name === "Embedding")!;
    emb.inbound_nodes[0].args[0].config.keras_history = [emb.name, 0, 0];
    return c;
  });
  assert.match(
    (await loadError(bytes, "loop.keras")).message,
    /^loop\.keras: Functional model config: the calls of layer\(s\) "embedding", .* read tensors that no call produces \(a missing node or a cycle\)$/,
  );
});

Deno.test("a config object that refers to itself", () => {
  const config =
    JSON.parse(Deno.readTextFileSync(`${FIXTURES}/lstm_default/case.json`)).model_config;
  config.config.layers[1].config.kernel_initializer.config.seed = config.config.layers[1];
  assert.throws(() => modelFromJSON(config), {
    message:
      /^model config: the config refers to itself at \.config\.layers\[1\]\.config\.kernel_initializer\.config\.seed \(a cycle\); expected a tree$/,
  });
});

Deno.test("predict given null, a string or a deep list names the model", async () => {
  const model = await loadModel(`${FIXTURES}/lstm_default/model.keras`);
  assert.throws(() => model.predict(null as never), {
    message:
      'Model "sequential": predict() expected a Tensor or nested arrays of numbers, found null',
  });
  assert.throws(() => model.predict(deepValue(10_000, "array") as never), {
    message: 'Model "sequential": predict() input nests arrays deeper than 32 levels',
  });
  assert.throws(() => model.predict([[[1, 2, 3]]], { limits: { maxPredictInputValues: 2 } }), {
    message:
      /^Model "sequential": predict\(\) input holds more than 2 values \(limit maxPredictInputValues = 2;/,
  });
});

/** Runs one file through the fuzz harness's child (`--replay`) and returns its classification. */
async function inChild(
  file: string,
): Promise<{ outcome: string; ms: number; processPeakMiB: number; message: string }> {
  const dir = await Deno.makeTempDir({ prefix: "kerno-reliability-" });
  try {
    const job = {
      index: 0,
      target: "keras",
      caseDir: `${FIXTURES}/lstm_default`,
      mutation: "fixed case",
      file,
      label: file,
      workDir: dir,
    };
    await Deno.writeTextFile(`${dir}/job.json`, JSON.stringify(job));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${REPO}scripts/fuzz/main.ts`, "--replay", `${dir}/job.json`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const [first, ...rest] = text.split("\n");
    const result = JSON.parse(rest.join("\n"));
    return {
      outcome: first.split(" ")[0],
      ms: result.ms,
      processPeakMiB: result.processPeakMiB,
      message: result.message,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a config.json that inflates to 1 GiB from 1 MiB fails in under a second, under 200 MiB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno-bomb-" });
  try {
    const files = readZip(Deno.readFileSync(`${FIXTURES}/lstm_default/model.keras`));
    const zeros = new Uint8Array(2 ** 30);
    const others = [...files].filter(([n]) => n !== "config.json").map(([name, data]) => ({
      name,
      data,
    }));
    // Declaring its real size, then declaring 5 MiB (a harmless ratio): caught while inflating,
    // when the output passes the declared 5 MiB after a few KiB of input.
    const real = buildZip([{ name: "config.json", data: zeros, deflate: true }, ...others]);
    for (const declaredSize of [undefined, 5 * 2 ** 20]) {
      const bomb = real.slice();
      if (declaredSize) {
        const view = new DataView(bomb.buffer);
        for (let i = 0; i + 4 <= bomb.length; i++) {
          const sig = view.getUint32(i, true);
          if (sig === 0x04034b50 && view.getUint32(i + 22, true) === 2 ** 30) {
            view.setUint32(i + 22, declaredSize, true);
          }
          if (sig === 0x02014b50 && view.getUint32(i + 24, true) === 2 ** 30) {
            view.setUint32(i + 24, declaredSize, true);
          }
        }
      }
      assert.ok(bomb.length < 1.1 * 2 ** 20, `the bomb is ${bomb.length} bytes`);
      await Deno.writeFile(`${dir}/bomb.keras`, bomb);
      const r = await inChild(`${dir}/bomb.keras`);
      assert.equal(r.outcome, "clean-error", r.message);
      assert.match(
        r.message,
        declaredSize
          ? /bomb\.keras: zip entry "config\.json" inflates to more than 5242880 bytes from \d{4} compressed bytes \(ratio 10\d\d\), a decompression bomb\?/
          : /bomb\.keras: zip entry "config\.json" declares 1073741824 bytes from \d+ compressed bytes \(ratio 10\d\d\), a decompression bomb\?/,
      );
      assert.ok(r.ms < 1000, `took ${r.ms} ms`);
      assert.ok(r.processPeakMiB < 200, `peak ${r.processPeakMiB} MiB`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("huge units in a file fail in under a second, under 200 MiB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno-units-" });
  try {
    for (const units of [1e5, 1e9]) {
      const bytes = editedKeras("lstm_default", (c: Config) => {
        c.config.layers[1].config.units = units;
        return c;
      });
      await Deno.writeFile(`${dir}/units.keras`, bytes);
      const r = await inChild(`${dir}/units.keras`);
      assert.equal(r.outcome, "clean-error", r.message);
      assert.ok(r.ms < 1000, `units ${units} took ${r.ms} ms`);
      assert.ok(r.processPeakMiB < 200, `units ${units}: peak ${r.processPeakMiB} MiB`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RepeatVector(n=1e9) stops before the layer runs, naming it and the limit", async () => {
  const dir = decodeURIComponent(
    new URL("./fixtures/keras-layers/repeatvector_autoencoder", import.meta.url).pathname,
  );
  const files = Object.fromEntries(readZip(Deno.readFileSync(`${dir}/model.keras`)));
  const config = JSON.parse(new TextDecoder().decode(files["config.json"]));
  const stack: Json[] = [config];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== "object") continue;
    if (v.class_name === "RepeatVector") v.config.n = 1e9;
    stack.push(...Object.values(v));
  }
  files["config.json"] = enc.encode(JSON.stringify(config));
  const model = await loadModel(writeZip(files), { label: "rv.keras" });
  const x = JSON.parse(Deno.readTextFileSync(`${dir}/case.json`)).inputs[0];
  assert.throws(() => model.predict(tensor(x.data, x.shape)), {
    name: "RangeError",
    message:
      /^RepeatVector layer "repeat_vector": its output of shape \(\d+, 1000000000, \d+\) would take [\d.]+ GiB, more than allowed \(limit maxActivationBytes = 4 GiB;/,
  });
});
