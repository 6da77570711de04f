import assert from "node:assert/strict";
import { pool } from "./pool.ts";

Deno.test("pool takes the max of each window, padding left out", () => {
  const out = new Float32Array(3);
  // same padding, window 2, stride 2 on 5 steps: windows [0,1], [2,3], [4]
  pool(
    "max",
    {
      batch: 1,
      inSpatial: [5],
      channels: 1,
      window: [2],
      strides: [2],
      padBefore: [0],
      outSpatial: [3],
    },
    new Float32Array([-1, -3, 2, 0, -5]),
    0,
    out,
    0,
  );
  assert.deepEqual([...out], [-1, 2, -5]);
});

Deno.test("pool averages over the positions inside the input (Keras's same padding)", () => {
  const out = new Float32Array(3);
  pool(
    "average",
    {
      batch: 1,
      inSpatial: [5],
      channels: 1,
      window: [2],
      strides: [2],
      padBefore: [0],
      outSpatial: [3],
    },
    new Float32Array([1, 2, 3, 5, 7]),
    0,
    out,
    0,
  );
  assert.deepEqual([...out], [1.5, 4, 7]);
});

Deno.test("pool runs over two spatial axes and every channel", () => {
  // 1×2×2×2: channel 0 = [1,2,3,4], channel 1 = [8,7,6,5]
  const x = new Float32Array([1, 8, 2, 7, 3, 6, 4, 5]);
  const g = {
    batch: 1,
    inSpatial: [2, 2],
    channels: 2,
    window: [2, 2],
    strides: [2, 2],
    padBefore: [0, 0],
    outSpatial: [1, 1],
  };
  const max = new Float32Array(2), avg = new Float32Array(2);
  pool("max", g, x, 0, max, 0);
  pool("average", g, x, 0, avg, 0);
  assert.deepEqual([...max], [4, 8]);
  assert.deepEqual([...avg], [2.5, 6.5]);
});

Deno.test("pool refuses arrays too short for the geometry", () => {
  assert.throws(
    () =>
      pool(
        "max",
        {
          batch: 2,
          inSpatial: [4],
          channels: 1,
          window: [2],
          strides: [2],
          padBefore: [0],
          outSpatial: [2],
        },
        new Float32Array(4),
        0,
        new Float32Array(4),
        0,
      ),
    /pool: x needs 8 floats from 0 \(has 4\)/,
  );
});
