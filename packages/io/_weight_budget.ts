import type { WeightSource } from "@kerno/layers";
import { H5Dataset, type H5Group } from "./h5/mod.ts";

/** Most groups and datasets a weights file may hold (a looping file would otherwise never end). */
const MAX_OBJECTS = 1_000_000;
/** Deepest group nesting a weights file may have. */
const MAX_GROUP_DEPTH = 64;

/**
 * What a weights group really holds, as float32 bytes: for each numeric dataset below `group`, the
 * values whose bytes are present in the file ({@linkcode H5Dataset.storedBytes}), at 4 bytes a
 * value. A model built from a config may not declare more (see `withLimits`).
 */
export function weightBudget(group: H5Group | null, source: string): WeightSource {
  let bytes = 0;
  let objects = 0;
  const stack: [H5Group, number][] = group ? [[group, 0]] : [];
  while (stack.length > 0) {
    const [g, depth] = stack.pop()!;
    for (const key of g.keys()) {
      if (++objects > MAX_OBJECTS || depth >= MAX_GROUP_DEPTH) {
        throw new RangeError(
          `${source}: more than ${MAX_OBJECTS} objects or ${MAX_GROUP_DEPTH} levels of groups below "${g.path}" (a looping or corrupted file?)`,
        );
      }
      const child = g.get(key);
      if (child instanceof H5Dataset) {
        if (child.type.kind === "float" || child.type.kind === "int") {
          bytes += Math.floor(child.storedBytes() / Math.max(1, child.type.size)) * 4;
        }
      } else if (child) stack.push([child, depth + 1]);
    }
  }
  return { bytes, source };
}
