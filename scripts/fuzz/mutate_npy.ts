import type { Rng } from "./rng.ts";
import { mutateBytes } from "./mutate_bytes.ts";

/** A mutated `.npy` file and what was done. */
export interface NpyMutation {
  /** The new file. */
  readonly bytes: Uint8Array;
  /** What was done, for the report. */
  readonly what: string;
}

const SHAPES = [
  "()",
  "(0,)",
  "(1000000000000000,)",
  "(-1, 3)",
  "(a, b)",
  "(1099511627776, 1099511627776)",
  "(" + "1, ".repeat(64) + ")",
  "(3,)",
  "(1, 1, 1, 1)",
  "(2, 5, 3)",
  "(1e3,)",
];
const DESCRS = [
  "<f8",
  ">f4",
  "|O",
  "<c8",
  "<U3",
  "V4",
  "<i8",
  "|b1",
  "<f2",
  "xyz",
  "<u8",
  "<i4",
  "'",
];

function header(bytes: Uint8Array): { text: string; start: number; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint16(8, true);
  return {
    text: new TextDecoder("latin1").decode(bytes.subarray(10, 10 + len)),
    start: 10,
    end: 10 + len,
  };
}

/** Re-assembles a version-1 `.npy` from a header text and data (header length recomputed). */
function assemble(text: string, data: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(text);
  const out = new Uint8Array(10 + head.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, head.length, true);
  out.set(head, 10);
  out.set(data, 10 + head.length);
  return out;
}

/** One random edit of a valid `.npy` (`original`, format 1.0 as `writeNpy` makes). */
export function mutateNpy(rng: Rng, original: Uint8Array): NpyMutation {
  const h = header(original);
  const data = original.subarray(h.end);
  const kind = rng.pick([
    "shape",
    "shape",
    "descr",
    "fortran",
    "length",
    "version",
    "data",
    "bytes",
  ]);
  switch (kind) {
    case "shape": {
      const s = rng.pick(SHAPES);
      return {
        bytes: assemble(h.text.replace(/'shape': \([^)]*\)/, `'shape': ${s}`), data),
        what: `shape ${s}`,
      };
    }
    case "descr": {
      const d = rng.pick(DESCRS);
      return {
        bytes: assemble(h.text.replace(/'descr': '[^']*'/, `'descr': '${d}'`), data),
        what: `descr ${d}`,
      };
    }
    case "fortran":
      return { bytes: assemble(h.text.replace("False", "True"), data), what: "fortran_order True" };
    case "length": {
      const bytes = original.slice();
      const v = rng.pick([0, 1, 0xffff, h.end - 10 + 1, h.end - 10 - 1]);
      new DataView(bytes.buffer).setUint16(8, v, true);
      return { bytes, what: `header length ${v}` };
    }
    case "version": {
      const bytes = original.slice();
      bytes[6] = rng.pick([0, 2, 3, 9, 255]);
      return { bytes, what: `version ${bytes[6]}` };
    }
    case "data": {
      const n = rng.pick([0, 1, data.length - 1, data.length + 7, data.length * 3]);
      const more = new Uint8Array(Math.max(0, n));
      more.set(data.subarray(0, Math.min(n, data.length)));
      return { bytes: assemble(h.text, more), what: `data ${data.length} -> ${n} bytes` };
    }
  }
  const m = mutateBytes(rng, original, []);
  return { bytes: m.bytes, what: m.what };
}
