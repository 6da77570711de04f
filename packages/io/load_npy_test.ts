import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { loadNpy } from "./load_npy.ts";
import { writeNpy } from "./npy.ts";

Deno.test("loadNpy reads a .npy from a path, a file URL or bytes, and names a missing file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_load_npy_" });
  try {
    const path = `${dir}/x.npy`;
    await Deno.writeFile(path, writeNpy(tensor([[1, 2], [3, 4]])));
    for (const source of [path, new URL(`file://${path}`), await Deno.readFile(path)]) {
      const x = await loadNpy(source);
      assert.deepEqual([x.shape, Array.from(x.data)], [[2, 2], [1, 2, 3, 4]]);
    }
    await assert.rejects(loadNpy(`${dir}/none.npy`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
