/**
 * `@kerno/io`: Keras files in and out. `.npy`/`.npz` arrays and zip archives here; the HDF5
 * reader and writer have their own entry point, `@kerno/io/h5`.
 *
 * @example
 * ```ts
 * import { readNpy, writeNpy } from "@kerno/io";
 * import { tensor } from "@kerno/tensor";
 * const x = readNpy(writeNpy(tensor([[0.1, 0.2]])));
 * x.shape; // [1, 2]
 * ```
 *
 * @module
 */
export * from "./npy.ts";
export * from "./npz.ts";
export * from "./zip.ts";
