import assert from "node:assert/strict";
import { flattenStructure, leafPaths, mapStructure } from "./structure.ts";

Deno.test("flattenStructure flattens depth first and records indices", () => {
  const { flat, structure } = flattenStructure<string>(["a", ["b", "c"], ["d"]]);
  assert.deepEqual(flat, ["a", "b", "c", "d"]);
  assert.deepEqual(structure, [0, [1, 2], [3]]);
});

Deno.test("flattenStructure keeps a lone leaf as index 0", () => {
  const { flat, structure } = flattenStructure<string>("x");
  assert.deepEqual(flat, ["x"]);
  assert.equal(structure, 0);
});

Deno.test("mapStructure rebuilds the nesting", () => {
  assert.deepEqual(mapStructure([0, [1, 2]], (i) => i * 10), [0, [10, 20]]);
  assert.equal(mapStructure(3, (i) => `t${i}`), "t3");
});

Deno.test("leafPaths names leaves as Keras paths", () => {
  assert.deepEqual(leafPaths(0), [""]);
  assert.deepEqual(leafPaths([0, [1, 2]]), ["0", "1.0", "1.1"]);
});
