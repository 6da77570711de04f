import type { F32 } from "./tensor.ts";
import { gemm } from "./gemm.ts";
import type { ConvGeometry } from "./conv_geometry.ts";
import { checkConv, gatherPatches } from "./_conv_util.ts";

/** Floats of patch scratch per chunk of output rows (1 MB). */
const CHUNK_FLOATS = 1 << 18;
let patches = new Float32Array(0);

/**
 * Channels-last convolution (Keras's `Conv1D`/`Conv2D`/`Conv3D` arithmetic, a cross-correlation)
 * as im2col + {@linkcode gemm}: the input patches of a chunk of output positions are gathered
 * into rows, and each channel group is one gemm against its slice of the kernel, with the bias
 * added. `out[b, ...o, f] = bias[f] + Σ x[b, ...o·stride − padBefore + k·dilation, c] ·
 * kernel[...k, c, f]`. A row's result depends only on its own patch (gemm's fixed summation
 * order), so any split of the batch gives the same bits. {@linkcode convNaive} is its oracle.
 *
 * @example Conv1D, kernel 2, one channel in and out
 * ```ts
 * import { conv } from "@kerno/tensor";
 * const out = new Float32Array(3);
 * conv({
 *   batch: 1, inSpatial: [4], inChannels: 1, kernelSpatial: [2], filters: 1, groups: 1,
 *   strides: [1], dilation: [1], padBefore: [0], outSpatial: [3],
 * }, new Float32Array([1, 2, 3, 4]), 0, new Float32Array([1, 10]), 0, undefined, out, 0);
 * // out = [21, 32, 43]
 * ```
 */
export function conv(
  g: ConvGeometry,
  x: F32,
  xOffset: number,
  kernel: F32,
  kernelOffset: number,
  bias: F32 | undefined,
  out: F32,
  outOffset: number,
): void {
  const g3 = checkConv("conv", g, x, xOffset, kernel, kernelOffset, bias, out, outOffset);
  const { kS, outS } = g3;
  const cg = g.inChannels / g.groups;
  const fg = g.filters / g.groups;
  const depth = kS[0] * kS[1] * kS[2] * cg;
  const rowsTotal = g.batch * outS[0] * outS[1] * outS[2];
  if (rowsTotal === 0 || g.filters === 0) return;
  if (depth === 0) {
    for (let r = 0; r < rowsTotal; r++) {
      for (let f = 0; f < g.filters; f++) out[outOffset + r * g.filters + f] = bias ? bias[f] : 0;
    }
    return;
  }
  const chunk = Math.max(1, Math.min(rowsTotal, Math.floor(CHUNK_FLOATS / depth)));
  if (patches.length < chunk * depth) patches = new Float32Array(chunk * depth);
  const dst = patches;
  for (let r0 = 0; r0 < rowsTotal; r0 += chunk) {
    const rows = Math.min(chunk, rowsTotal - r0);
    for (let grp = 0; grp < g.groups; grp++) {
      gatherPatches(g, g3, x, xOffset, grp, r0, rows, dst);
      // deno-fmt-ignore
      gemm(false, false, rows, fg, depth, dst, 0, depth, kernel, kernelOffset + grp * fg,
        g.filters, out, outOffset + r0 * g.filters + grp * fg, g.filters, 1, 0, bias, grp * fg);
    }
  }
}
