import type { F32 } from "./tensor.ts";
import type { ConvGeometry } from "./conv_geometry.ts";
import { checkConv } from "./_conv_util.ts";

/**
 * The reference convolution: a plain loop over every output, tap and channel, summed in double
 * precision and rounded to float32 once. Kept as the oracle of {@linkcode conv} (same arguments,
 * same layout).
 *
 * @example
 * ```ts
 * import { convNaive } from "@kerno/tensor";
 * const out = new Float32Array(2);
 * convNaive({
 *   batch: 1, inSpatial: [3], inChannels: 1, kernelSpatial: [2], filters: 1, groups: 1,
 *   strides: [1], dilation: [1], padBefore: [0], outSpatial: [2],
 * }, new Float32Array([1, 2, 3]), 0, new Float32Array([1, 1]), 0, undefined, out, 0);
 * // out = [3, 5]
 * ```
 */
export function convNaive(
  g: ConvGeometry,
  x: F32,
  xOffset: number,
  kernel: F32,
  kernelOffset: number,
  bias: F32 | undefined,
  out: F32,
  outOffset: number,
): void {
  const { inS, kS, st, dl, pb, outS } = checkConv(
    "convNaive",
    g,
    x,
    xOffset,
    kernel,
    kernelOffset,
    bias,
    out,
    outOffset,
  );
  const c = g.inChannels, f = g.filters;
  const cg = c / g.groups, fg = f / g.groups;
  let o = outOffset;
  for (let b = 0; b < g.batch; b++) {
    for (let od = 0; od < outS[0]; od++) {
      for (let oh = 0; oh < outS[1]; oh++) {
        for (let ow = 0; ow < outS[2]; ow++) {
          for (let fo = 0; fo < f; fo++, o++) {
            const grp = Math.floor(fo / fg);
            let s = 0;
            for (let kd = 0; kd < kS[0]; kd++) {
              const id = od * st[0] - pb[0] + kd * dl[0];
              if (id < 0 || id >= inS[0]) continue;
              for (let kh = 0; kh < kS[1]; kh++) {
                const ih = oh * st[1] - pb[1] + kh * dl[1];
                if (ih < 0 || ih >= inS[1]) continue;
                for (let kw = 0; kw < kS[2]; kw++) {
                  const iw = ow * st[2] - pb[2] + kw * dl[2];
                  if (iw < 0 || iw >= inS[2]) continue;
                  const xi = xOffset + (((b * inS[0] + id) * inS[1] + ih) * inS[2] + iw) * c +
                    grp * cg;
                  const ki = kernelOffset + ((kd * kS[1] + kh) * kS[2] + kw) * cg * f + fo;
                  for (let ci = 0; ci < cg; ci++) s += x[xi + ci] * kernel[ki + ci * f];
                }
              }
            }
            out[o] = Math.fround(s) + (bias ? bias[fo] : 0);
          }
        }
      }
    }
  }
}
