import { Tensor } from "@kerno/tensor";
import type { Limits } from "@kerno/layers";
import { deepValue } from "./mutate_json.ts";

/** The hostile `predict` inputs the campaign tries, by name. */
export const PREDICT_SPECS: readonly string[] = [
  "null",
  "undefined",
  "string",
  "number",
  "object",
  "empty-list",
  "list-of-null",
  "nested-deep",
  "ragged",
  "strings-inside",
  "nan",
  "infinity",
  "drop-rank",
  "add-rank",
  "zero-rows",
  "too-many-values",
  "wrong-count",
  "int32",
  "bool",
  "transposed",
  "nested-arrays",
  "typed-array",
  "long-sequence",
  "object-with-length",
];

function nested(t: Tensor): unknown {
  const flat = Array.from(t.data as ArrayLike<number>);
  const build = (dim: number, offset: number): unknown => {
    if (dim === t.shape.length) return flat[offset];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/** Builds the input `spec` names from the case's real inputs `xs` (and the limits to use). */
export function buildPredictInput(
  spec: string,
  xs: Tensor[],
): { value: unknown; limits?: Partial<Limits> } {
  const x = xs[0];
  const one = (v: unknown) => (xs.length === 1 ? v : [v, ...xs.slice(1)]);
  switch (spec) {
    case "null":
      return { value: null };
    case "undefined":
      return { value: undefined };
    case "string":
      return { value: "1, 2, 3" };
    case "number":
      return { value: 42 };
    case "object":
      return { value: { shape: x.shape, data: [1, 2] } };
    case "empty-list":
      return { value: [] };
    case "list-of-null":
      return { value: xs.map(() => null) };
    case "nested-deep":
      return { value: one(deepValue(10_000, "array")) };
    case "ragged": {
      const v = nested(x) as unknown[];
      (v as unknown[][])[0] = [];
      return { value: one(v) };
    }
    case "strings-inside": {
      const v = JSON.parse(JSON.stringify(nested(x)).replace(/-?\d+(\.\d+)?(e-?\d+)?/, '"7"'));
      return { value: one(v) };
    }
    case "nan":
    case "infinity": {
      const data = Float32Array.from(x.data as ArrayLike<number>);
      data[0] = spec === "nan" ? NaN : Infinity;
      return { value: one(new Tensor(data, x.shape)) };
    }
    case "drop-rank":
      return { value: one(x.reshape([x.size])) };
    case "add-rank":
      return { value: one(x.reshape([...x.shape, 1, 1])) };
    case "zero-rows":
      return { value: one(new Tensor(new Float32Array(0), [0, ...x.shape.slice(1)])) };
    case "too-many-values":
      return { value: xs, limits: { maxPredictInputValues: Math.max(1, x.size - 1) } };
    case "wrong-count":
      return { value: [...xs, x] };
    case "int32":
      return {
        value: one(new Tensor(Int32Array.from(x.data as ArrayLike<number>, Math.round), x.shape)),
      };
    case "bool":
      return {
        value: one(
          new Tensor(Uint8Array.from(x.data as ArrayLike<number>, (v) => (v > 0 ? 1 : 0)), x.shape),
        ),
      };
    case "transposed":
      return { value: one(x.reshape([...x.shape].reverse())) };
    case "nested-arrays":
      return { value: one(nested(x)) };
    case "typed-array":
      return { value: one(Float32Array.from(x.data as ArrayLike<number>)) };
    case "long-sequence": {
      if (x.shape.length < 2) return { value: xs };
      const shape = [x.shape[0], x.shape[1] * 50, ...x.shape.slice(2)];
      const data = new (x.data.constructor as Float32ArrayConstructor)(
        shape.reduce((a, b) => a * b, 1),
      );
      for (let i = 0; i < data.length; i++) data[i] = (x.data as Float32Array)[i % x.size];
      return { value: one(new Tensor(data, shape)) };
    }
    case "object-with-length":
      return { value: one({ length: 3, 0: 1, 1: 2, 2: 3 }) };
  }
  throw new TypeError(`unknown predict spec ${spec}`);
}
