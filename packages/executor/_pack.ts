/**
 * Packs a model's weights into one `SharedArrayBuffer` (each weight 64-byte aligned) and points
 * the model's variables at views of it, so the model, and every worker that rebuilds it, read the
 * same memory. A model whose weights already share one buffer is reused as is.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import type { WeightSlot } from "./_messages.ts";

/** One shared weight buffer and where each weight sits in it. */
export interface PackedWeights {
  /** All weights, float32. */
  readonly buffer: SharedArrayBuffer;
  /** One entry per weight, in Keras order. */
  readonly layout: readonly WeightSlot[];
}

const ALIGN = 64;

/** A variable whose value the pool may replace. */
export interface MutableVariable {
  /** Current value. */
  value: Tensor;
}

/** The buffer the variables already share with the right layout, or `null`. */
export function sharedWeights(vars: readonly MutableVariable[]): PackedWeights | null {
  if (vars.length === 0) return null;
  const buffer = vars[0].value.data.buffer;
  if (!(buffer instanceof SharedArrayBuffer)) return null;
  for (const v of vars) {
    if (v.value.data.buffer !== buffer || v.value.dtype !== "float32") return null;
  }
  return {
    buffer,
    layout: vars.map((v) => ({ byteOffset: v.value.data.byteOffset, shape: [...v.value.shape] })),
  };
}

/** True when every variable still views `packed` at its recorded place. */
export function stillShared(vars: readonly MutableVariable[], packed: PackedWeights): boolean {
  if (vars.length !== packed.layout.length) return false;
  return vars.every((v, i) =>
    v.value.data.buffer === packed.buffer &&
    v.value.data.byteOffset === packed.layout[i].byteOffset &&
    v.value.size === packed.layout[i].shape.reduce((a, b) => a * b, 1)
  );
}

/**
 * Copies the variables' values into one new shared buffer and replaces each `value` with a view
 * of it (same shape, same numbers). Throws a `TypeError` for a weight that is not float32.
 */
export function packWeights(vars: readonly MutableVariable[]): PackedWeights {
  const existing = sharedWeights(vars);
  if (existing) return existing;
  const layout: WeightSlot[] = [];
  let bytes = 0;
  vars.forEach((v, i) => {
    if (v.value.dtype !== "float32") {
      throw new TypeError(`Weight ${i} must be float32 to be shared, received ${v.value.dtype}`);
    }
    layout.push({ byteOffset: bytes, shape: [...v.value.shape] });
    bytes += Math.ceil((v.value.size * 4) / ALIGN) * ALIGN;
  });
  const buffer = new SharedArrayBuffer(Math.max(bytes, ALIGN));
  vars.forEach((v, i) => {
    const view = new Float32Array(buffer, layout[i].byteOffset, v.value.size);
    view.set(v.value.f32);
    v.value = new Tensor(view, layout[i].shape);
  });
  return { buffer, layout };
}
