import type { ConvPadding } from "@kerno/tensor";
import type { ConfigReader } from "../config_reader.ts";

/**
 * Keras's `standardize_tuple`: one integer repeated `rank` times, or a list of `rank` integers;
 * each at least `min`. Errors name the layer and the argument.
 */
export function toTuple(
  where: string,
  name: string,
  value: number | readonly number[],
  rank: number,
  min = 1,
): number[] {
  const list = typeof value === "number" ? new Array(rank).fill(value) : [...value];
  if (list.length !== rank || list.some((v) => !Number.isInteger(v) || v < min)) {
    throw new RangeError(
      `${where}: the \`${name}\` argument must be an integer or a list of ${rank} integers of ` +
        `at least ${min}, received ${JSON.stringify(value)}`,
    );
  }
  return list;
}

/** Reads a tuple argument (an integer or a list) from a config, or `fallback` when absent. */
export function readTuple(
  r: ConfigReader,
  key: string,
  fallback: number | number[] | null,
): number | number[] | null {
  const v = r.raw(key);
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number" || (Array.isArray(v) && v.every((x) => typeof x === "number"))) {
    return v as number | number[];
  }
  throw new TypeError(
    `${r.className} layer "${r.layerName}", config key "${key}": expected an integer or a list ` +
      `of integers, received ${JSON.stringify(v)}`,
  );
}

/** Checks Keras's `padding` argument (`causal` only where allowed), lower-cased. */
export function toPadding(where: string, value: string, allowCausal: boolean): ConvPadding {
  const p = value.toLowerCase();
  if (p === "valid" || p === "same" || (allowCausal && p === "causal")) return p;
  const allowed = allowCausal ? "'valid', 'same' or 'causal'" : "'valid' or 'same'";
  throw new RangeError(
    `${where}: the \`padding\` argument must be ${allowed}, received ${JSON.stringify(value)}`,
  );
}

/** Accepts `channels_last` (the default); refuses `channels_first` clearly. */
export function checkDataFormat(where: string, value: string | null | undefined): void {
  if (value === undefined || value === null || value === "channels_last") return;
  if (value === "channels_first") {
    throw new TypeError(
      `${where}: data_format="channels_first" is not supported (Kerno runs channels_last ` +
        `layers only); transpose the input with a Permute layer and use channels_last`,
    );
  }
  throw new RangeError(
    `${where}: data_format must be "channels_last" or "channels_first", received ${
      JSON.stringify(value)
    }`,
  );
}
