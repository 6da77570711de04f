import type { Tensor } from "@kerno/tensor";
import { readNpy, writeNpy } from "./npy.ts";
import { readZip, writeZip } from "./zip.ts";

/**
 * Reads a `.npz` archive (a zip of `.npy` files, as `np.savez` writes) into a map from array name
 * (the entry name without `.npy`) to tensor. Each array follows {@linkcode readNpy}'s rules.
 *
 * @example
 * ```ts
 * import { readNpz, writeNpz } from "@kerno/io";
 * import { tensor } from "@kerno/tensor";
 * const npz = writeNpz({ x: tensor([1, 2, 3]) });
 * readNpz(npz).get("x")?.shape; // [3]
 * ```
 */
export function readNpz(bytes: Uint8Array, label = "<bytes>"): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, data] of readZip(bytes, label)) {
    if (name.endsWith("/")) continue;
    const key = name.endsWith(".npy") ? name.slice(0, -4) : name;
    out.set(key, readNpy(data, `${label}:${name}`));
  }
  return out;
}

/** Writes tensors as a `.npz` archive (uncompressed, like `np.savez`). */
export function writeNpz(arrays: Record<string, Tensor>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, t] of Object.entries(arrays)) entries[`${name}.npy`] = writeNpy(t);
  return writeZip(entries, new Date(1980, 0, 1));
}
