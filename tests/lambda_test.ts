/**
 * Lambda layers without Python: a Keras model whose two Reshape layers are replaced by Lambda
 * layers (the Python code is never run) is refused with the list of its Lambda layers and their
 * shapes, and with TypeScript bodies it gives Keras's outputs, from its config and from a
 * `.keras` archive.
 */
import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { type LambdaFunction, resetLayerNames } from "@kerno/layers";
import { modelFromJSON } from "@kerno/model";
import { modelFromBytes, modelToBytes } from "@kerno/io";
import { fixtureTensor, readCase } from "../scripts/_reference/case.ts";
import { checkRun } from "../scripts/_reference/check_outputs.ts";

const CASE = decodeURIComponent(
  new URL("./fixtures/keras-layers/reshape_after_lstm", import.meta.url).pathname,
);

/** The case's config with each Reshape turned into a Lambda holding (unused) Python code. */
async function lambdaCase() {
  const c = await readCase(CASE);
  const config = structuredClone(c.model_config) as {
    config: { layers: { class_name: string; config: Record<string, unknown> }[] };
  };
  for (const layer of config.config.layers) {
    if (layer.class_name !== "Reshape") continue;
    layer.class_name = "Lambda";
    layer.config = {
      name: layer.config.name,
      trainable: true,
      dtype: layer.config.dtype,
      function: {
        class_name: "__lambda__",
        config: { code: "4wEAAAAAAAAA...", defaults: null, closure: null },
      },
      arguments: {},
    };
  }
  return { c, config };
}

/** `[batch, …]` → `[batch, ...shape]` with the same values (what Keras's Reshape did). */
const reshapeTo = (shape: number[]): LambdaFunction => (x) => {
  const t = x as Tensor;
  return new Tensor(t.data, [t.shape[0], ...shape]);
};

Deno.test("a model with Lambda layers and no bodies is refused with every Lambda and its shapes", async () => {
  const { config } = await lambdaCase();
  assert.throws(
    () => modelFromJSON(config),
    (e: Error) => {
      assert.match(e.message, /The model has 2 Lambda layers whose body is Python code/);
      assert.match(e.message, /- "reshape": input \(None, 5, 4\) -> output \(None, 20\)/);
      assert.match(e.message, /- "reshape_1": input \(None, 5, 4\) -> output \(None, 4, 5\)/);
      assert.match(e.message, /loadModel\(path, \{ lambdas: \{ "reshape": \(x\) => …, "reshape_1"/);
      return true;
    },
  );
  assert.throws(
    () => modelFromJSON(config, { lambdas: { reshape: reshapeTo([20]) } }),
    /1 has no TypeScript body:\n {2}- "reshape_1": input \(None, 5, 4\) -> output \(None, 4, 5\)/,
  );
  assert.throws(
    () =>
      modelFromJSON(config, {
        lambdas: {
          reshape: reshapeTo([20]),
          reshape_1: reshapeTo([4, 5]),
          lambda_9: (x) => x as Tensor,
        },
      }),
    /lambdas names "lambda_9", which is not a Lambda layer of the model \(its Lambda layers: "reshape", "reshape_1"\)/,
  );
});

Deno.test("Lambda bodies in TypeScript give Keras's outputs, from the config and a .keras file", async () => {
  const { c, config } = await lambdaCase();
  // reshape_1's output shape is inferred by running it; reshape's is given.
  const lambdas = {
    reshape: { fn: reshapeTo([20]), outputShape: [20] },
    reshape_1: reshapeTo([4, 5]),
  };
  resetLayerNames();
  const model = modelFromJSON(config, { lambdas });
  model.setWeights(c.weights.map(fixtureTensor));
  assert.deepEqual(model.getLayer("reshape_1").inboundNodes[0].outputs[0].shape, [null, 4, 5]);
  const fromConfig = checkRun(model, c.inputs, c.outputs, c.output_structure, "config");
  assert.deepEqual(fromConfig.problems, []);
  const written = JSON.parse(model.toJSON()).config.layers[2].config;
  assert.equal(written.function.class_name, "__lambda__"); // the file's config, kept as it was
  const bytes = modelToBytes(model);
  assert.throws(() => modelFromBytes(bytes), /2 have no TypeScript body/);
  const again = modelFromBytes(bytes, { lambdas });
  const fromFile = checkRun(again, c.inputs, c.outputs, c.output_structure, "file");
  assert.deepEqual(fromFile.problems, []);
});

Deno.test("a Lambda whose body returns the wrong shape is named in the error", async () => {
  const { c, config } = await lambdaCase();
  const model = modelFromJSON(config, {
    lambdas: {
      reshape: { fn: reshapeTo([4, 5]), outputShape: [20] },
      reshape_1: reshapeTo([4, 5]),
    },
  });
  assert.throws(
    () => model.predict(c.inputs.map(fixtureTensor)),
    /Lambda layer "reshape": its function returned shape \(2, 4, 5\), expected \(2, 20\)/,
  );
});
