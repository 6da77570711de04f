import type { Tensor } from "@kerno/tensor";
import { type FileSource, readSource } from "./_source.ts";
import { readNpy } from "./npy.ts";

/**
 * Loads a `.npy` file as {@linkcode loadModel} loads a model: from a path, a URL, a `Response`
 * or bytes (numpy's `np.load`). The conversions are {@linkcode readNpy}'s; errors name the file.
 *
 * @example
 * ```ts ignore
 * import { loadNpy } from "@kerno/io";
 * const x = await loadNpy("x.npy"); // np.save("x.npy", x) in Python
 * ```
 */
export async function loadNpy(source: FileSource): Promise<Tensor> {
  const { bytes, label } = await readSource(source);
  return readNpy(bytes, label);
}
