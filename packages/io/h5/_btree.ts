import { UNDEFINED_ADDRESS } from "./_bytes.ts";
import type { H5Context } from "./_superblock.ts";

/** A leaf entry of a version-1 B-tree: the child address and the key before it. */
export interface BTreeEntry {
  /** Address of the child (a symbol table node, or a data chunk). */
  readonly address: number;
  /** Offset of the key that precedes the child. */
  readonly keyAt: number;
}

const MAX_DEPTH = 32;

/**
 * Walks a version-1 B-tree (type 0: group nodes, type 1: raw data chunks) and returns its leaf
 * children in key order. `keySize` is the size of one key.
 */
export function walkBTreeV1(
  ctx: H5Context,
  address: number,
  type: number,
  keySize: number,
  what: string,
): BTreeEntry[] {
  const out: BTreeEntry[] = [];
  const seen = new Set<number>();
  const visit = (addr: number, depth: number): void => {
    if (addr === UNDEFINED_ADDRESS) return;
    if (depth > MAX_DEPTH || seen.has(addr)) {
      throw new RangeError(`${ctx.view.label}: corrupted HDF5 file: B-tree of ${what} loops`);
    }
    seen.add(addr);
    const { view } = ctx;
    const at = addr + ctx.base;
    view.expectSignature(at, "TREE", `B-tree node of ${what}`);
    const nodeType = view.u8(at + 4, what);
    if (nodeType !== type) {
      throw new TypeError(
        `${view.label}: corrupted HDF5 file: B-tree node of ${what} has type ${nodeType}, expected ${type}`,
      );
    }
    const level = view.u8(at + 5, what);
    const used = view.u16(at + 6, what);
    const O = ctx.offsetSize;
    let p = at + 8 + 2 * O;
    for (let i = 0; i < used; i++) {
      const keyAt = p;
      const child = view.uint(p + keySize, O, `B-tree node of ${what}`);
      p += keySize + O;
      if (level > 0) visit(child, depth + 1);
      else out.push({ address: child, keyAt });
    }
  };
  visit(address, 0);
  return out;
}
