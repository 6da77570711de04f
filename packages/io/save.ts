import { type Model, serializeModel } from "./_model_api.ts";
import { writeFileAtomic } from "./atomic_write.ts";
import { fileSystemFor } from "./_source.ts";
import { kerasWeightsToBytes } from "./keras_weights.ts";
import { writeZip } from "./zip.ts";

/** The Keras version whose `.keras` layout Kerno writes (recorded in `metadata.json`). */
export const KERAS_FORMAT_VERSION = "3.15.1";

/** Kerno's version, recorded in `metadata.json` as `kerno_version`. */
export const KERNO_VERSION = "0.1.0";

function dateSaved(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${
    p(d.getMinutes())
  }:${p(d.getSeconds())}`;
}

/**
 * The `.keras` archive of `model` as bytes, laid out as Keras 3 writes it: `metadata.json`,
 * `config.json` and `model.weights.h5`, stored uncompressed.
 */
export function modelToBytes(model: Model, date: Date = new Date()): Uint8Array {
  const enc = new TextEncoder();
  const metadata = {
    keras_version: KERAS_FORMAT_VERSION,
    date_saved: dateSaved(date),
    kerno_version: KERNO_VERSION,
  };
  return writeZip({
    "metadata.json": enc.encode(JSON.stringify(metadata)),
    "config.json": enc.encode(JSON.stringify(serializeModel(model))),
    "model.weights.h5": kerasWeightsToBytes(model),
  }, date);
}

/** `model`'s weights as a Keras 3 `.weights.h5` file, as bytes. */
export function weightsToBytes(model: Model): Uint8Array {
  return kerasWeightsToBytes(model);
}

/**
 * Saves `model` as a `.keras` archive that Keras 3 loads (`keras.saving.load_model`). The file is
 * written atomically (a temporary file renamed into place). File paths need Deno; elsewhere (a
 * browser) use {@linkcode modelToBytes}.
 *
 * @example
 * ```ts ignore
 * await saveModel(model, "model.keras");
 * const again = await loadModel("model.keras"); // same predictions, bit for bit
 * ```
 */
export async function saveModel(model: Model, path: string): Promise<void> {
  fileSystemFor(path, "keep the bytes of modelToBytes(model) yourself");
  await writeFileAtomic(path, modelToBytes(model));
}

/** Saves `model`'s weights as a Keras 3 `.weights.h5` file (atomically). */
export async function saveWeights(model: Model, path: string): Promise<void> {
  fileSystemFor(path, "keep the bytes of weightsToBytes(model) yourself");
  await writeFileAtomic(path, weightsToBytes(model));
}
