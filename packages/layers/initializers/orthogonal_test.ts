import assert from "node:assert/strict";
import { Orthogonal } from "./orthogonal.ts";

/** Max |(AᵀA or AAᵀ) − gain²·I| for an r×c row-major matrix, over the smaller side. */
function orthoError(a: Float32Array, r: number, c: number, gain: number): number {
  const n = Math.min(r, c);
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      if (r >= c) { for (let k = 0; k < r; k++) dot += a[k * c + i] * a[k * c + j]; }
      else for (let k = 0; k < c; k++) dot += a[i * c + k] * a[j * c + k];
      worst = Math.max(worst, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

Deno.test("Orthogonal gives QᵀQ = I for square, tall and wide shapes", () => {
  for (const [r, c] of [[8, 8], [12, 5], [4, 16]]) {
    const q = new Orthogonal({ seed: 3 }).generate([r, c]);
    assert.equal(q.length, r * c);
    assert.ok(orthoError(q, r, c, 1) < 1e-6, `shape ${r}x${c}: ${orthoError(q, r, c, 1)}`);
  }
});

Deno.test("Orthogonal scales by gain and flattens leading dimensions", () => {
  const q = new Orthogonal({ gain: 2, seed: 1 }).generate([2, 3, 6]);
  assert.ok(orthoError(q, 6, 6, 2) < 1e-5);
});

Deno.test("Orthogonal is reproducible from its seed and refuses 1D shapes", () => {
  assert.deepEqual(
    new Orthogonal({ seed: 7 }).generate([5, 5]),
    new Orthogonal({ seed: 7 }).generate([5, 5]),
  );
  assert.throws(() => new Orthogonal().generate([5]), /at least 2D, received shape \[5\]/);
});

Deno.test("Orthogonal config is {seed, gain}", () => {
  assert.deepEqual(new Orthogonal().getConfig(), { seed: null, gain: 1 });
  assert.deepEqual(Object.keys(new Orthogonal({ seed: 2, gain: 0.5 }).getConfig()), [
    "seed",
    "gain",
  ]);
});
