import type { F32 } from "./tensor.ts";
import { toGeometry3 } from "./_conv_util.ts";

/**
 * The shape of a channels-last pooling: `x` is `[batch, ...inSpatial, channels]`, the output
 * `[batch, ...outSpatial, channels]`; each output reads the window of `window` positions starting
 * at `o·stride − padBefore`. Positions outside the input are left out of the window.
 */
export interface PoolGeometry {
  /** Rows of the batch. */
  readonly batch: number;
  /** Input size per spatial axis (1 to 3 axes). */
  readonly inSpatial: readonly number[];
  /** Channels (last axis). */
  readonly channels: number;
  /** Window size per spatial axis. */
  readonly window: readonly number[];
  /** Step between windows per spatial axis. */
  readonly strides: readonly number[];
  /** Positions padded before the input per spatial axis. */
  readonly padBefore: readonly number[];
  /** Output size per spatial axis. */
  readonly outSpatial: readonly number[];
}

/**
 * Max or average pooling (Keras's `MaxPooling*D` / `AveragePooling*D`). `max` takes the largest
 * value of the window's positions inside the input; `average` sums them in double precision,
 * rounds to float32 and divides by how many there are (Keras's `same` padding counts only the
 * positions inside the input; with `valid` every window is whole).
 *
 * @example
 * ```ts
 * import { pool } from "@kerno/tensor";
 * const out = new Float32Array(2);
 * const g = {
 *   batch: 1, inSpatial: [4], channels: 1, window: [2], strides: [2], padBefore: [0],
 *   outSpatial: [2],
 * };
 * pool("max", g, new Float32Array([1, 3, 2, 0]), 0, out, 0); // out = [3, 2]
 * ```
 */
export function pool(
  mode: "max" | "average",
  g: PoolGeometry,
  x: F32,
  xOffset: number,
  out: F32,
  outOffset: number,
): void {
  const { inS, kS, st, pb, outS } = toGeometry3({
    inSpatial: g.inSpatial,
    kernelSpatial: g.window,
    strides: g.strides,
    dilation: g.window.map(() => 1),
    padBefore: g.padBefore,
    outSpatial: g.outSpatial,
  }, "pool");
  const c = g.channels;
  const inSize = g.batch * inS[0] * inS[1] * inS[2] * c;
  const outSize = g.batch * outS[0] * outS[1] * outS[2] * c;
  if (
    xOffset < 0 || xOffset + inSize > x.length || outOffset < 0 || outOffset + outSize > out.length
  ) {
    throw new RangeError(
      `pool: x needs ${inSize} floats from ${xOffset} (has ${x.length}), out needs ${outSize} ` +
        `from ${outOffset} (has ${out.length})`,
    );
  }
  const max = mode === "max";
  let o = outOffset;
  for (let b = 0; b < g.batch; b++) {
    const xb = xOffset + b * inS[0] * inS[1] * inS[2] * c;
    for (let od = 0; od < outS[0]; od++) {
      const d0 = Math.max(0, od * st[0] - pb[0]);
      const d1 = Math.min(inS[0], od * st[0] - pb[0] + kS[0]);
      for (let oh = 0; oh < outS[1]; oh++) {
        const h0 = Math.max(0, oh * st[1] - pb[1]);
        const h1 = Math.min(inS[1], oh * st[1] - pb[1] + kS[1]);
        for (let ow = 0; ow < outS[2]; ow++) {
          const w0 = Math.max(0, ow * st[2] - pb[2]);
          const w1 = Math.min(inS[2], ow * st[2] - pb[2] + kS[2]);
          const count = (d1 - d0) * (h1 - h0) * (w1 - w0);
          for (let ch = 0; ch < c; ch++, o++) {
            let s = max ? -Infinity : 0;
            for (let id = d0; id < d1; id++) {
              for (let ih = h0; ih < h1; ih++) {
                for (let iw = w0; iw < w1; iw++) {
                  const v = x[xb + ((id * inS[1] + ih) * inS[2] + iw) * c + ch];
                  if (max) {
                    if (v > s || Number.isNaN(v)) s = v;
                  } else s += v;
                }
              }
            }
            out[o] = max ? s : Math.fround(s) / count;
          }
        }
      }
    }
  }
}
