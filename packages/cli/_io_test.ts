import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { castTo, positiveInt } from "./_io.ts";

Deno.test("castTo converts ints to float32 and whole floats to int32 token ids", () => {
  const ints = new Tensor(new Int32Array([1, -2, 3]), [1, 3]);
  const f = castTo(ints, "float32", "x.npy");
  assert.equal(f.dtype, "float32");
  assert.deepEqual(Array.from(f.data), [1, -2, 3]);
  const ids = castTo(new Tensor(new Float32Array([0, 4, 7]), [3]), "int32", "ids.npy");
  assert.equal(ids.dtype, "int32");
  assert.deepEqual(Array.from(ids.data), [0, 4, 7]);
  assert.throws(() => castTo(new Tensor(new Float32Array([1, 2.5]), [2]), "int32", "ids.npy"), {
    name: "TypeError",
    message: "ids.npy: the model expects int32 token ids, but value 2.5 at flat index 1 is not one",
  });
  assert.equal(castTo(f, "float32", "x.npy"), f);
});

Deno.test("positiveInt parses counts and names the option on bad values", () => {
  assert.equal(positiveInt(undefined, "--workers", "predict"), undefined);
  assert.equal(positiveInt("4", "--workers", "predict"), 4);
  for (const bad of ["0", "-1", "1.5", "two", ""]) {
    assert.throws(() => positiveInt(bad, "--workers", "predict"), {
      name: "UsageError",
      message: `--workers must be a positive integer, received "${bad}"`,
    });
  }
});
