import assert from "node:assert/strict";
import { writeFileAtomic } from "./atomic_write.ts";

Deno.test("writeFileAtomic replaces the target and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/out.npy`;
    await Deno.writeTextFile(path, "old");
    await writeFileAtomic(path, new TextEncoder().encode("new contents"));
    assert.equal(await Deno.readTextFile(path), "new contents");
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, ["out.npy"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic fails on a missing directory without creating anything", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      writeFileAtomic(`${dir}/missing/out.npy`, new Uint8Array([1])),
      Deno.errors.NotFound,
    );
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
