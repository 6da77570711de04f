/**
 * Shared plumbing of the commands: their output streams, number options, and reading `.npy`
 * inputs converted to the dtype each model input expects.
 *
 * @module
 */
import { readNpy } from "@kerno/io";
import { type DType, Tensor } from "@kerno/tensor";
import type { TextSink } from "./progress.ts";
import { UsageError } from "./_usage.ts";

/** Where a command writes and what it knows about its terminal. */
export interface CommandIO {
  /** Results (the summary table, predict's final line). */
  readonly stdout: TextSink;
  /** Progress and errors. */
  readonly stderr: TextSink;
  /** Whether stderr is a terminal (progress is then a bar redrawn in place). */
  readonly stderrIsTerminal: boolean;
}

/** Parses a positive integer option, or throws a {@linkcode UsageError} naming it. */
export function positiveInt(
  value: string | undefined,
  option: string,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${option} must be a positive integer, received "${value}"`, command);
  }
  return n;
}

/**
 * Converts `t` to `dtype`: integers to float32 exactly; floats to int32 only when every value is
 * a whole number (token ids), else a `TypeError` naming the file and the first bad value.
 */
export function castTo(t: Tensor, dtype: DType, label: string): Tensor {
  if (t.dtype === dtype) return t;
  if (dtype === "float32") return new Tensor(Float32Array.from(t.data), t.shape);
  if (dtype === "int32") {
    const out = new Int32Array(t.size);
    for (let i = 0; i < t.size; i++) {
      const v = t.data[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
        throw new TypeError(
          `${label}: the model expects int32 token ids, but value ${v} at flat index ${i} is not one`,
        );
      }
      out[i] = v;
    }
    return new Tensor(out, t.shape);
  }
  throw new TypeError(`${label}: cannot convert ${t.dtype} to ${dtype}`);
}

/** Reads a `.npy` file as a tensor of `dtype`. */
export async function readInput(path: string, dtype: DType): Promise<Tensor> {
  const bytes = await Deno.readFile(path);
  return castTo(readNpy(bytes, path), dtype, path);
}
