import assert from "node:assert/strict";
import { slice, Tensor, tensor } from "@kerno/tensor";
import { readNpy, writeNpy } from "./npy.ts";
import { joinNpyFiles, NpyFileReader, NpyFileWriter } from "./npy_file.ts";
import { PartialFile, removeStalePartials } from "./partial_file.ts";

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "kerno_npy_file_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function names(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out.sort();
}

function ramp(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, (_, i) => i * 0.25 - 3), shape);
}

Deno.test("NpyFileReader reads a range of rows with the file's bytes, into a given array", async () => {
  await inTempDir(async (dir) => {
    const x = ramp([7, 3, 2]);
    await Deno.writeFile(`${dir}/x.npy`, writeNpy(x));
    using r = await NpyFileReader.open(`${dir}/x.npy`);
    assert.deepEqual([r.shape, r.rows, r.dtype, r.descr, r.rowBytes], [
      [7, 3, 2],
      7,
      "float32",
      "<f4",
      24,
    ]);
    const into = new Float32Array(new SharedArrayBuffer(4 * 6 * 4));
    const t = await r.read(2, 5, into);
    assert.deepEqual(t.shape, [3, 3, 2]);
    assert.equal(t.data.buffer, into.buffer);
    assert.deepEqual(Array.from(t.data), Array.from(x.data.subarray(12, 30)));
    assert.deepEqual((await r.read(6, 7)).data, x.data.subarray(36, 42));
    await assert.rejects(r.read(5, 8), {
      name: "RangeError",
      message: `${dir}/x.npy: rows 5:8 asked for, the file has 7 rows`,
    });
  });
});

Deno.test("NpyFileReader converts float64 and names a too-large integer by its global index", async () => {
  await inTempDir(async (dir) => {
    const f8 = writeNpy(ramp([4, 2]));
    // Re-encode as <f8 by hand: header from numpy's layout, data widened.
    const header = new TextEncoder().encode(
      "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }".padEnd(117) + "\n",
    );
    const bytes = new Uint8Array(10 + header.length + 64);
    bytes.set(f8.subarray(0, 8));
    new DataView(bytes.buffer).setUint16(8, header.length, true);
    bytes.set(header, 10);
    new Float64Array(bytes.buffer, 10 + header.length).set(readNpy(f8).data);
    await Deno.writeFile(`${dir}/x8.npy`, bytes);
    using r = await NpyFileReader.open(`${dir}/x8.npy`);
    assert.equal(r.dtype, "float32");
    assert.deepEqual((await r.read(1, 3)).data, readNpy(f8).data.subarray(2, 6));

    const u4 = new TextEncoder().encode(
      "{'descr': '<u4', 'fortran_order': False, 'shape': (3, 2), }".padEnd(117) + "\n",
    );
    const ub = new Uint8Array(10 + u4.length + 24);
    ub.set(f8.subarray(0, 8));
    new DataView(ub.buffer).setUint16(8, u4.length, true);
    ub.set(u4, 10);
    new Uint32Array(ub.buffer, 10 + u4.length).set([1, 2, 3, 4, 5, 2 ** 32 - 1]);
    await Deno.writeFile(`${dir}/u4.npy`, ub);
    using u = await NpyFileReader.open(`${dir}/u4.npy`);
    assert.deepEqual(Array.from((await u.read(0, 2)).data), [1, 2, 3, 4]);
    await assert.rejects(u.read(2, 3), {
      name: "RangeError",
      message:
        `${dir}/u4.npy: value 4294967295 at flat index 5 of a <u4 array does not fit in int32`,
    });
  });
});

Deno.test("NpyFileReader refuses a truncated file when opening it", async () => {
  await inTempDir(async (dir) => {
    const bytes = writeNpy(ramp([4, 2]));
    await Deno.writeFile(`${dir}/cut.npy`, bytes.subarray(0, bytes.length - 4));
    await assert.rejects(NpyFileReader.open(`${dir}/cut.npy`), {
      name: "RangeError",
      message:
        `${dir}/cut.npy: truncated .npy file: shape (4, 2) of <f4 needs 160 bytes, the file has 156`,
    });
  });
});

Deno.test("NpyFileWriter writes what writeNpy writes, and only on commit", async () => {
  await inTempDir(async (dir) => {
    const y = ramp([5, 4]);
    await Deno.writeTextFile(`${dir}/y.npy`, "previous");
    const w = await NpyFileWriter.create(`${dir}/y.npy`, "float32", [5, 4]);
    await w.append(slice(y, [0, 0], [2, 4]));
    await w.append(slice(y, [2, 0], [3, 4]));
    assert.equal(await Deno.readTextFile(`${dir}/y.npy`), "previous");
    assert.equal((await names(dir)).length, 2);
    await assert.rejects(w.append(tensor([1, 2, 3, 4], [1, 4])), {
      name: "RangeError",
      message: `${dir}/y.npy: 6 rows appended, the header says 5`,
    });
    await w.commit();
    assert.deepEqual(await Deno.readFile(`${dir}/y.npy`), writeNpy(y));
    assert.deepEqual(await names(dir), ["y.npy"]);
  });
});

Deno.test("NpyFileWriter refuses a short file and a wrong block; abort leaves the target as it was", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/y.npy`, "previous");
    const w = await NpyFileWriter.create(`${dir}/y.npy`, "float32", [3, 2]);
    await assert.rejects(w.append(ramp([1, 3])), {
      name: "TypeError",
      message:
        `${dir}/y.npy: expected rows of shape (2,) and dtype float32, received a block of shape (1, 3) and dtype float32`,
    });
    await w.append(ramp([2, 2]));
    await assert.rejects(w.commit(), {
      name: "RangeError",
      message: `${dir}/y.npy: only 2 of 3 rows were written`,
    });
    await w.abort();
    assert.equal(await Deno.readTextFile(`${dir}/y.npy`), "previous");
    assert.deepEqual(await names(dir), ["y.npy"]);
  });
});

Deno.test("removeStalePartials removes what a killed run left and keeps a file being written", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.npy.kerno-partial-0123456789ab`, "left by a killed run");
    await Deno.writeTextFile(`${dir}/notes.kerno-partial-x`, "not ours");
    const live = await PartialFile.create(`${dir}/b.npy`);
    const removed = await removeStalePartials(dir);
    assert.deepEqual(removed, [`${dir}/a.npy.kerno-partial-0123456789ab`]);
    assert.deepEqual(
      await names(dir),
      [live.tempPath.slice(dir.length + 1), "notes.kerno-partial-x"].sort(),
    );
    await live.write(new Uint8Array([1, 2]));
    await live.commit();
    assert.deepEqual(await Deno.readFile(`${dir}/b.npy`), new Uint8Array([1, 2]));
  });
});

Deno.test("joinNpyFiles concatenates along the first axis byte for byte, in small chunks", async () => {
  await inTempDir(async (dir) => {
    const y = ramp([9, 2, 3]);
    const cuts = [[0, 4], [4, 4], [4, 9]];
    const parts = cuts.map((_, i) => `${dir}/y.${i}.npy`);
    for (const [i, [a, b]] of cuts.entries()) {
      await Deno.writeFile(parts[i], writeNpy(slice(y, [a, 0, 0], [b - a, 2, 3])));
    }
    const progress: number[] = [];
    const shape = await joinNpyFiles(parts, `${dir}/y.npy`, {
      chunkBytes: 50,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(shape, [9, 2, 3]);
    assert.deepEqual(await Deno.readFile(`${dir}/y.npy`), writeNpy(y));
    assert.deepEqual(progress, [2, 4, 6, 8, 9]);
  });
});

Deno.test("joinNpyFiles names the part whose rows do not match, and writes nothing", async () => {
  await inTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/a.npy`, writeNpy(ramp([2, 3])));
    await Deno.writeFile(`${dir}/b.npy`, writeNpy(ramp([2, 4])));
    await assert.rejects(joinNpyFiles([`${dir}/a.npy`, `${dir}/b.npy`], `${dir}/y.npy`), {
      name: "TypeError",
      message:
        `${dir}/b.npy: shape (2, 4) of <f4 cannot follow ${dir}/a.npy's (2, 3) of <f4 (the dtype and every dimension after the first must match)`,
    });
    assert.deepEqual(await names(dir), ["a.npy", "b.npy"]);
  });
});
