import { add, concat, mul, Tensor } from "@kerno/tensor";

/**
 * Bidirectional's merge of the forward output `a` and the (time-aligned) backward output `b`:
 * `concat` on the last axis (forward first), `sum`, `mul`, or `ave` = (a + b) / 2. Internal.
 */
export function mergeOutputs(a: Tensor, b: Tensor, mode: "concat" | "sum" | "mul" | "ave"): Tensor {
  if (mode === "concat") return concat([a, b], -1);
  if (a.size !== b.size) {
    throw new TypeError(
      `Bidirectional merge "${mode}" needs outputs of the same shape, received ` +
        `(${a.shape.join(", ")}) and (${b.shape.join(", ")})`,
    );
  }
  const out = new Float32Array(a.size);
  if (mode === "mul") mul(a.f32, 0, b.f32, 0, out, 0, out.length);
  else add(a.f32, 0, b.f32, 0, out, 0, out.length);
  if (mode === "ave") { for (let i = 0; i < out.length; i++) out[i] /= 2; }
  return new Tensor(out, a.shape);
}
