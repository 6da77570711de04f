import { type DType, Tensor, type TensorData } from "@kerno/tensor";

function rowSize(t: Tensor): number {
  let size = 1;
  for (let i = 1; i < t.shape.length; i++) size *= t.shape[i];
  return size;
}

/** Rows `[start, end)` of a tensor along axis 0, as a view (no copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  if (start === 0 && end === t.shape[0]) return t;
  const n = rowSize(t);
  return new Tensor(t.data.subarray(start * n, end * n) as TensorData, [
    end - start,
    ...t.shape.slice(1),
  ]);
}

/** Joins tensors along axis 0 (they must agree on every other dimension and on dtype). */
export function concatRows(parts: readonly Tensor[]): Tensor {
  if (parts.length === 1) return parts[0];
  const first = parts[0];
  const tail = first.shape.slice(1);
  let rows = 0;
  for (const p of parts) {
    const same = p.dtype === first.dtype && p.shape.length === first.shape.length &&
      p.shape.every((d, i) => i === 0 || d === first.shape[i]);
    if (!same) {
      throw new TypeError(
        `Cannot join batch results of shapes [${first.shape.join(", ")}] (${first.dtype}) and [${
          p.shape.join(", ")
        }] (${p.dtype})`,
      );
    }
    rows += p.shape[0];
  }
  const out = Tensor.zeros([rows, ...tail], first.dtype);
  let offset = 0;
  for (const p of parts) {
    out.data.set(p.data, offset);
    offset += p.data.length;
  }
  return out;
}

/** The tensor converted to `dtype` (float to int truncates toward zero; bool is `x != 0`). */
export function castTensor(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = Tensor.zeros(t.shape, dtype);
  const src = t.data;
  const dst = out.data;
  if (dtype === "bool") {
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else if (dtype === "int32") {
    for (let i = 0; i < src.length; i++) dst[i] = Math.trunc(src[i]);
  } else {
    for (let i = 0; i < src.length; i++) dst[i] = src[i];
  }
  return out;
}
