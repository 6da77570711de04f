import { ConfigReader } from "../config_reader.ts";
import type { DeserializeOptions } from "../registry.ts";
import { readTuple } from "./_args.ts";
import type { BasePooling, PoolingOptions } from "./base_pooling.ts";

/** A pooling layer class (internal). */
export type PoolingClass = new (
  poolSize: number | number[],
  options?: PoolingOptions,
) => BasePooling;

/** Builds a pooling layer of class `cls` from its Keras config. */
export function poolingFromConfig(
  cls: PoolingClass & { className: string },
  config: Record<string, unknown>,
  options: DeserializeOptions,
): BasePooling {
  const r = new ConfigReader(cls.className, config, options);
  const poolSize = readTuple(r, "pool_size", 2) as number | number[];
  const layer = new cls(poolSize, {
    ...r.baseOptions(),
    strides: readTuple(r, "strides", null),
    padding: r.string("padding", "valid"),
    dataFormat: r.raw("data_format") as string | null | undefined,
  });
  r.done();
  return layer;
}
