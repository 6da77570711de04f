import assert from "node:assert/strict";
import { tensor } from "@kerno/tensor";
import { readNpz, writeNpz } from "./npz.ts";
import { writeNpy } from "./npy.ts";
import { writeZip } from "./zip.ts";

Deno.test("readNpz reads every array of an archive by name", () => {
  const npz = writeNpz({ x: tensor([[1, 2]]), ids: tensor([3, 4, 5], [3], "int32") });
  const arrays = readNpz(npz, "data.npz");
  assert.deepEqual([...arrays.keys()], ["x", "ids"]);
  assert.deepEqual(arrays.get("x")!.shape, [1, 2]);
  assert.deepEqual(Array.from(arrays.get("ids")!.data), [3, 4, 5]);
});

Deno.test("readNpz names the archive and entry of a bad array", () => {
  const npy = writeNpy(tensor([1, 2]));
  npy[0] = 0; // break the .npy magic (the archive's CRC matches the broken entry)
  const bad = writeZip({ "x.npy": npy });
  assert.throws(() => readNpz(bad, "data.npz"), {
    message: 'data.npz:x.npy: not a .npy file (no "\\x93NUMPY" magic)',
  });
});
