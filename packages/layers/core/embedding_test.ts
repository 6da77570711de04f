import assert from "node:assert/strict";
import { type Tensor, tensor } from "@kerno/tensor";
import { maskOf } from "../layer.ts";
import { serializeLayer } from "../registry.ts";
import { Embedding } from "./embedding.ts";

function table(): Embedding {
  const e = new Embedding(4, 2, { maskZero: true });
  e.build([[null, null]]);
  e.setWeights([tensor([[0, 0], [1, 2], [3, 4], [5, 6]])]);
  return e;
}

Deno.test("Embedding looks up one row per id", () => {
  const y = table().apply(tensor([[1, 3, 0], [2, 2, 1]], undefined, "int32")) as Tensor;
  assert.equal(y.dtype, "float32");
  assert.deepEqual(y.shape, [2, 3, 2]);
  assert.deepEqual(y.toArray(), [[[1, 2], [5, 6], [0, 0]], [[3, 4], [3, 4], [1, 2]]]);
});

Deno.test("Embedding with maskZero masks id 0", () => {
  const y = table().apply(tensor([[1, 3, 0], [0, 2, 1]], undefined, "int32")) as Tensor;
  const m = maskOf(y)!;
  assert.equal(m.dtype, "bool");
  assert.deepEqual(m.toArray(), [[1, 1, 0], [0, 1, 1]]);
  assert.deepEqual(table().outputsHaveMask([false]), [true]);
  assert.deepEqual(new Embedding(4, 2).outputsHaveMask([false]), [false]);
});

Deno.test("Embedding accepts float ids holding integers", () => {
  const y = table().apply(tensor([[3, 1]])) as Tensor;
  assert.deepEqual(y.toArray(), [[[5, 6], [1, 2]]]);
});

Deno.test("Embedding refuses an out-of-range id, naming the layer and the id", () => {
  const e = table();
  assert.throws(
    () => e.apply(tensor([[1, 4]], undefined, "int32")),
    (err: Error) =>
      err instanceof RangeError &&
      err.message ===
        `Embedding layer "${e.name}": id 4 at flat index 1 is out of range [0, 4) (input_dim=4)`,
  );
  assert.throws(() => e.apply(tensor([[-1]], undefined, "int32")), /id -1 at flat index 0/);
});

Deno.test("Embedding config equals the fixture's (embedding_mask_zero_gru_dense)", async () => {
  const c = JSON.parse(
    await Deno.readTextFile(
      new URL(
        "../../../tests/fixtures/keras/embedding_mask_zero_gru_dense/case.json",
        import.meta.url,
      ),
    ),
  );
  const entry = c.model_config.config.layers.find((l: { class_name: string }) =>
    l.class_name === "Embedding"
  );
  const e = Embedding.fromConfig(entry.config);
  e.build([[null, 6]]);
  assert.equal(JSON.stringify(serializeLayer(e)), JSON.stringify(entry));
  assert.equal(e.countParams(), 40);
  assert.equal(e.weights[0].path, "embedding/embeddings");
});

Deno.test("Embedding.fromConfig drops Keras 2's input_length and refuses LoRA", () => {
  const notes: string[] = [];
  const e = Embedding.fromConfig({
    name: "embedding_1",
    trainable: true,
    batch_input_shape: [null, 85],
    dtype: "float32",
    input_dim: 54,
    output_dim: 64,
    embeddings_initializer: {
      class_name: "RandomUniform",
      config: { minval: -0.05, maxval: 0.05, seed: null },
    },
    embeddings_regularizer: null,
    activity_regularizer: null,
    embeddings_constraint: null,
    mask_zero: true,
    input_length: 85,
  }, { notes });
  assert.equal(e.maskZero, true);
  assert.deepEqual(e.batchInputShape, [null, 85]);
  assert.deepEqual(notes, ['Embedding layer "embedding_1": dropped legacy key input_length=85']);
  assert.throws(
    () => Embedding.fromConfig({ name: "e", input_dim: 3, output_dim: 2, lora_rank: 2 }),
    /Embedding layer "e": lora_rank=2 is not supported/,
  );
  assert.throws(() => new Embedding(0, 2), /input_dim must be a positive integer, received 0/);
});
