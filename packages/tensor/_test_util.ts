import type { Random } from "./random.ts";

/** Test helper: `n` seeded uniform values in [-1, 1) as float32. */
export function randomF32(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1);
  return out;
}
