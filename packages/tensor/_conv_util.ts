import type { F32 } from "./tensor.ts";
import type { ConvGeometry } from "./conv_geometry.ts";

/** The geometry padded to three spatial axes (leading axes of size 1). */
export interface Geometry3 {
  /** Input sizes `[d, h, w]`. */
  readonly inS: number[];
  /** Window sizes. */
  readonly kS: number[];
  /** Strides. */
  readonly st: number[];
  /** Dilations. */
  readonly dl: number[];
  /** Leading padding. */
  readonly pb: number[];
  /** Output sizes. */
  readonly outS: number[];
}

/** Pads the per-axis lists of a 1-3 axis geometry to three axes (internal helper). */
export function toGeometry3(g: {
  inSpatial: readonly number[];
  kernelSpatial: readonly number[];
  strides: readonly number[];
  dilation: readonly number[];
  padBefore: readonly number[];
  outSpatial: readonly number[];
}, fn: string): Geometry3 {
  const n = g.inSpatial.length;
  if (n < 1 || n > 3) {
    throw new RangeError(`${fn}: expected 1 to 3 spatial axes, received ${n}`);
  }
  for (const [name, list] of Object.entries(g)) {
    if (list.length !== n) {
      throw new RangeError(
        `${fn}: ${name} has ${list.length} entries, expected one per spatial axis (${n})`,
      );
    }
  }
  const pad = (list: readonly number[], fill: number) => [
    ...new Array(3 - n).fill(fill),
    ...list,
  ];
  return {
    inS: pad(g.inSpatial, 1),
    kS: pad(g.kernelSpatial, 1),
    st: pad(g.strides, 1),
    dl: pad(g.dilation, 1),
    pb: pad(g.padBefore, 0),
    outS: pad(g.outSpatial, 1),
  };
}

/** Checks a geometry and the array lengths before any work; returns the padded geometry. */
export function checkConv(
  fn: string,
  g: ConvGeometry,
  x: F32,
  xOffset: number,
  kernel: F32,
  kernelOffset: number,
  bias: F32 | undefined,
  out: F32,
  outOffset: number,
): Geometry3 {
  const g3 = toGeometry3({
    inSpatial: g.inSpatial,
    kernelSpatial: g.kernelSpatial,
    strides: g.strides,
    dilation: g.dilation,
    padBefore: g.padBefore,
    outSpatial: g.outSpatial,
  }, fn);
  const { groups, inChannels, filters } = g;
  if (!Number.isInteger(groups) || groups < 1 || inChannels % groups || filters % groups) {
    throw new RangeError(
      `${fn}: groups=${groups} must divide both the input channels (${inChannels}) and the ` +
        `filters (${filters})`,
    );
  }
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const need = (name: string, arr: F32, off: number, n: number) => {
    if (off < 0 || off + n > arr.length) {
      throw new RangeError(
        `${fn}: ${name} needs ${n} floats from offset ${off}, but has length ${arr.length}`,
      );
    }
  };
  need("x", x, xOffset, g.batch * prod(g.inSpatial) * inChannels);
  need("kernel", kernel, kernelOffset, prod(g.kernelSpatial) * (inChannels / groups) * filters);
  if (bias) need("bias", bias, 0, filters);
  need("out", out, outOffset, g.batch * prod(g.outSpatial) * filters);
  return g3;
}

/**
 * Copies the input patches of output rows `[r0, r0 + rows)` of channel group `group` into
 * `dst`, one row of `kd·kh·kw·cg` floats per output position, in the kernel's `(taps, channel)`
 * order; taps outside the input are zeros.
 */
export function gatherPatches(
  g: ConvGeometry,
  g3: Geometry3,
  x: F32,
  xOffset: number,
  group: number,
  r0: number,
  rows: number,
  dst: F32,
): void {
  const { inS, kS, st, dl, pb, outS } = g3;
  const c = g.inChannels;
  const cg = c / g.groups;
  const c0 = group * cg;
  const outPerRow = outS[0] * outS[1] * outS[2];
  let o = 0;
  for (let r = r0; r < r0 + rows; r++) {
    const b = Math.floor(r / outPerRow);
    let rem = r - b * outPerRow;
    const od = Math.floor(rem / (outS[1] * outS[2]));
    rem -= od * outS[1] * outS[2];
    const oh = Math.floor(rem / outS[2]);
    const ow = rem - oh * outS[2];
    const xb = xOffset + b * inS[0] * inS[1] * inS[2] * c;
    for (let kd = 0; kd < kS[0]; kd++) {
      const id = od * st[0] - pb[0] + kd * dl[0];
      for (let kh = 0; kh < kS[1]; kh++) {
        const ih = oh * st[1] - pb[1] + kh * dl[1];
        for (let kw = 0; kw < kS[2]; kw++, o += cg) {
          const iw = ow * st[2] - pb[2] + kw * dl[2];
          if (id < 0 || id >= inS[0] || ih < 0 || ih >= inS[1] || iw < 0 || iw >= inS[2]) {
            dst.fill(0, o, o + cg);
            continue;
          }
          const src = xb + ((id * inS[1] + ih) * inS[2] + iw) * c + c0;
          for (let j = 0; j < cg; j++) dst[o + j] = x[src + j];
        }
      }
    }
  }
}
