import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf, setMaskOf } from "../layer.ts";
import { Dropout } from "./dropout.ts";

Deno.test("Dropout is the identity at inference and passes the mask", () => {
  const x = tensor([[[1, 2], [3, 4]]]);
  const m = tensor([[1, 0]], undefined, "bool");
  setMaskOf(x, m);
  const y = new Dropout(0.5).apply(x) as Tensor;
  assert.deepEqual(y.toArray(), [[[1, 2], [3, 4]]]);
  assert.equal(maskOf(y), m);
});

Deno.test("Dropout config matches Keras 3 and round-trips", () => {
  const d = Dropout.fromConfig({
    name: "dropout",
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    rate: 0.2,
    seed: 7,
    noise_shape: [null, 1, 4],
  });
  assert.deepEqual(d.getConfig(), {
    name: "dropout",
    trainable: true,
    dtype: {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float32" },
      registered_name: null,
    },
    rate: 0.2,
    seed: 7,
    noise_shape: [null, 1, 4],
  });
  assert.equal(d.getBuildConfig(), undefined);
});

Deno.test("Dropout refuses a rate outside [0, 1] and a bad noise shape", () => {
  assert.throws(() => new Dropout(1.5), /rate must be a number between 0 and 1, received 1.5/);
  assert.throws(
    () => new Dropout(0.1, { noiseShape: [null, 0] }),
    /noise_shape\[1\] must be a positive integer or null, received 0/,
  );
});
