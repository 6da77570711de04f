/**
 * Checks the `into` option of a pool call: arrays over `SharedArrayBuffer`s that the workers
 * write the outputs into. Errors name the model, the entry and what was expected.
 *
 * @module
 */
import type { DType, Tensor, TensorData } from "@kerno/tensor";
import type { PoolTensorSpec } from "./types.ts";

const ARRAY_TYPES = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
} as const satisfies Record<DType, unknown>;

function describeArray(value: unknown): string {
  if (value === undefined) return "undefined";
  if (ArrayBuffer.isView(value)) {
    const owner = value.buffer instanceof SharedArrayBuffer ? "SharedArrayBuffer" : "ArrayBuffer";
    return `a ${value.constructor.name} over an ${owner}`;
  }
  if (value === null) return "null";
  return typeof value === "object" ? `a ${value.constructor?.name ?? "object"}` : typeof value;
}

interface Span {
  readonly buffer: SharedArrayBuffer;
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

function spanOf(data: TensorData, label: string): Span | null {
  if (!(data.buffer instanceof SharedArrayBuffer) || data.byteLength === 0) return null;
  return {
    buffer: data.buffer,
    start: data.byteOffset,
    end: data.byteOffset + data.byteLength,
    label,
  };
}

/**
 * Returns `into` as one entry per flat output (null: a new array), or null when it is
 * undefined. Throws a `TypeError` when it does not list one entry per output, when an entry is
 * not a typed array of the output's element type over a `SharedArrayBuffer`, or when two
 * entries, or an entry and an input, share bytes. Sizes are checked by {@linkcode checkIntoSize}
 * once the output shapes are known.
 */
export function checkPoolInto(
  modelName: string,
  outputs: readonly PoolTensorSpec[],
  inputs: readonly Tensor[],
  into: unknown,
): (TensorData | null)[] | null {
  if (into === undefined) return null;
  if (!Array.isArray(into) || into.length !== outputs.length) {
    throw new TypeError(
      `Model "${modelName}": pool predict option \`into\` must list ${outputs.length} array(s) ` +
        `(one per output, null for a new one), received ${
          Array.isArray(into) ? `${into.length}` : describeArray(into)
        }`,
    );
  }
  const checked = outputs.map((spec, i) => {
    const dest: unknown = into[i] ?? null;
    if (dest === null) return null;
    const want = ARRAY_TYPES[spec.dtype];
    if (!(dest instanceof want) || !(dest.buffer instanceof SharedArrayBuffer)) {
      throw new TypeError(
        `Model "${modelName}": into[${i}] must be a ${want.name} over a SharedArrayBuffer for ` +
          `output ${i} (${spec.dtype}), which the workers write in place, received ` +
          `${
            describeArray(dest)
          }; for instance new ${want.name}(new SharedArrayBuffer(n * ${want.BYTES_PER_ELEMENT}))`,
      );
    }
    return dest as TensorData;
  });
  const spans: Span[] = [];
  inputs.forEach((t, i) => {
    const s = spanOf(t.data, `input ${i}`);
    if (s) spans.push(s);
  });
  checked.forEach((d, i) => {
    const s = d && spanOf(d, `into[${i}]`);
    if (!s) return;
    const clash = spans.find((o) => o.buffer === s.buffer && o.start < s.end && s.start < o.end);
    if (clash) {
      throw new TypeError(
        `Model "${modelName}": into[${i}] shares bytes with ${clash.label} ` +
          `(bytes ${s.start}..${s.end - 1} and ${clash.start}..${clash.end - 1} of one ` +
          `SharedArrayBuffer): the workers would overwrite what they still read`,
      );
    }
    spans.push(s);
  });
  return checked;
}

/**
 * Throws a `RangeError` unless `dest` (the `into` entry for output `index`) holds exactly `rows`
 * rows of `rowShape`.
 */
export function checkIntoSize(
  modelName: string,
  index: number,
  dest: TensorData,
  rows: number,
  rowShape: readonly number[],
): void {
  const n = rows * rowShape.reduce((a, b) => a * b, 1);
  if (dest.length !== n) {
    throw new RangeError(
      `Model "${modelName}": into[${index}] must hold ${n} values for output ${index} of shape ` +
        `(${[rows, ...rowShape].join(", ")}), received ${dest.length}`,
    );
  }
}
