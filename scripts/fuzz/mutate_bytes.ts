import type { Rng } from "./rng.ts";

/** A mutated byte string and what was done to it. */
export interface ByteMutation {
  /** The new bytes. */
  readonly bytes: Uint8Array;
  /** What was done, for the report: `bitflip x3 at 1234`. */
  readonly what: string;
  /** Byte offsets that changed (empty for a truncation, which is judged separately). */
  readonly changed: readonly number[];
  /** Whether the file was cut short. */
  readonly truncated: boolean;
}

const INTERESTING_U32 = [
  0,
  1,
  2,
  7,
  0x7f,
  0x80,
  0xff,
  0x100,
  0xffff,
  0x10000,
  0x7fffffff,
  0x80000000,
  0xfffffffe,
  0xffffffff,
];

/** Sets `width` little-endian bytes at `at` to `value` (clipped to the array). */
function put(bytes: Uint8Array, at: number, width: number, value: number, changed: number[]): void {
  for (let i = 0; i < width && at + i < bytes.length; i++) {
    const b = Math.floor(value / 2 ** (8 * i)) & 0xff;
    if (bytes[at + i] !== b) changed.push(at + i);
    bytes[at + i] = b;
  }
}

/** Offsets where an ASCII signature starts (`OHDR`, `TREE`, `PK\x01\x02`, …). */
export function findSignatures(bytes: Uint8Array, signatures: readonly number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 4 <= bytes.length; i++) {
    for (const s of signatures) {
      if (
        bytes[i] === s[0] && bytes[i + 1] === s[1] && bytes[i + 2] === s[2] && bytes[i + 3] === s[3]
      ) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** Signatures of HDF5 structures (plus the superblock at 0). */
export const H5_SIGNATURES: number[][] = [
  "OHDR",
  "OCHK",
  "TREE",
  "HEAP",
  "SNOD",
  "GCOL",
  "FRHP",
  "BTHD",
]
  .map(ascii);

/** Signatures of zip structures: local header, central directory entry, end records. */
export const ZIP_SIGNATURES: number[][] = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x01, 0x02],
  [0x50, 0x4b, 0x05, 0x06],
  [0x50, 0x4b, 0x06, 0x06],
  [0x50, 0x4b, 0x06, 0x07],
];

/**
 * One random generic mutation: bit flips, interesting values, zeroed ranges, truncation, or an
 * edit of a field just after a structure signature (`signatures`; offset 0 counts as one).
 */
export function mutateBytes(
  rng: Rng,
  original: Uint8Array,
  signatures: readonly number[][],
): ByteMutation {
  const bytes = original.slice();
  const changed: number[] = [];
  const kind = rng.pick([
    "bitflip",
    "bitflip",
    "value",
    "range",
    "truncate",
    "field",
    "field",
    "field",
  ]);
  if (kind === "truncate") {
    const n = rng.chance(0.3) ? rng.int(64) : rng.int(original.length);
    return {
      bytes: original.slice(0, n),
      what: `truncate to ${n} of ${original.length}`,
      changed,
      truncated: true,
    };
  }
  if (kind === "bitflip") {
    const flips = 1 + rng.int(rng.chance(0.5) ? 2 : 8);
    for (let i = 0; i < flips; i++) {
      const at = rng.int(bytes.length);
      bytes[at] ^= 1 << rng.int(8);
      changed.push(at);
    }
    return {
      bytes,
      what: `bitflip x${flips} at ${changed.slice(0, 4).join(",")}`,
      changed,
      truncated: false,
    };
  }
  if (kind === "value") {
    const at = rng.int(bytes.length);
    const width = rng.pick([1, 2, 4, 8]);
    const value = rng.pick(INTERESTING_U32);
    put(bytes, at, width, value, changed);
    return { bytes, what: `set u${width * 8} at ${at} = ${value}`, changed, truncated: false };
  }
  if (kind === "range") {
    const at = rng.int(bytes.length);
    const n = 1 + rng.int(256);
    const fill = rng.pick([0, 0xff]);
    for (let i = at; i < Math.min(bytes.length, at + n); i++) {
      if (bytes[i] !== fill) changed.push(i);
      bytes[i] = fill;
    }
    return { bytes, what: `fill ${n} bytes at ${at} with ${fill}`, changed, truncated: false };
  }
  const sites = [0, ...findSignatures(bytes, signatures)];
  const site = rng.pick(sites);
  const at = site + 4 + rng.int(60);
  const width = rng.pick([1, 2, 4, 8]);
  const value = rng.chance(0.7) ? rng.pick(INTERESTING_U32) : rng.int(2 ** 32);
  put(bytes, at, width, value, changed);
  return {
    bytes,
    what: `field u${width * 8} at ${site}+${at - site} = ${value}`,
    changed,
    truncated: false,
  };
}
