/**
 * `@kerno/io/h5`: a small HDF5 reader and writer in TypeScript, enough for Keras's files
 * (`.weights.h5`, legacy `.h5`): groups, datasets, attributes, fixed- and variable-length
 * strings, contiguous, compact and chunked (gzip, shuffle) storage.
 *
 * @example
 * ```ts ignore
 * import { readH5 } from "@kerno/io/h5";
 * const root = readH5(await Deno.readFile("model.weights.h5"), "model.weights.h5");
 * console.log(root.group("layers").keys());
 * ```
 *
 * @module
 */
export * from "./reader.ts";
export { hasHdf5Signature } from "./_superblock.ts";
export * from "./writer.ts";
