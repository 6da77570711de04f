import { Tensor } from "@kerno/tensor";
import {
  type ActivationSpec,
  keras2HardSigmoidRequested,
  resolveActivation,
  type ResolvedActivation,
} from "../activations.ts";
import type { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import { getInitializer, type InitializerSpec } from "../initializers/get.ts";
import type { DeserializeOptions } from "../registry.ts";
import type { ShapeContext } from "../layer.ts";

/** The tensor as float32: itself when it already is, else a converted copy. */
export function asFloat32(t: Tensor): Tensor {
  if (t.dtype === "float32") return t;
  return new Tensor(Float32Array.from(t.data), t.shape);
}

/** Whether a loader asked for Keras 2's hard_sigmoid (an option of `deserializeLayer`). */
export function keras2HardSigmoidOf(options: DeserializeOptions): boolean {
  return keras2HardSigmoidRequested(options);
}

function rethrow(r: ConfigReader, key: string, e: unknown): never {
  if (e instanceof Error) {
    const msg = `${r.className} layer "${r.layerName}", config key "${key}": ${e.message}`;
    throw e instanceof RangeError ? new RangeError(msg) : new TypeError(msg);
  }
  throw e;
}

/** Reads an initializer key (absent or null → `fallback`); errors name the layer and key. */
export function readInitializer(r: ConfigReader, key: string, fallback: string): Initializer {
  const v = r.raw(key) ?? fallback;
  try {
    return getInitializer(v as InitializerSpec);
  } catch (e) {
    rethrow(r, key, e);
  }
}

/** Reads an activation key (absent → `fallback`, null → linear); errors name the layer and key. */
export function readActivation(
  r: ConfigReader,
  key: string,
  fallback: string,
  keras2HardSigmoid: boolean,
): ResolvedActivation {
  const raw = r.raw(key);
  try {
    return resolveActivation(
      (raw === undefined ? fallback : raw) as ActivationSpec,
      { keras2HardSigmoid },
    );
  } catch (e) {
    rethrow(r, key, e);
  }
}

/** Reads a key that must be null (or absent) in Kerno, refusing any other value by name. */
export function readMustBeNull(r: ConfigReader, key: string, why: string): void {
  const v = r.raw(key);
  if (v !== undefined && v !== null) {
    throw new TypeError(
      `${r.className} layer "${r.layerName}": ${key}=${
        JSON.stringify(v)
      } is not supported (${why})`,
    );
  }
}

/** Formats an axis-normalization error. */
export function normalizeAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new RangeError(`${where}: axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}

/** A shape context with no initial state and no extra arguments. */
export const NO_SHAPE_CONTEXT: ShapeContext = { initialState: null, extraArgs: [] };
