/**
 * Splits a batch into contiguous row ranges: windows that bound the staging memory, and shards
 * inside each window that the workers take in order.
 *
 * @module
 */

/** A half-open row range `[start, end)`. */
export interface RowRange {
  /** First row. */
  readonly start: number;
  /** One past the last row. */
  readonly end: number;
}

/** Cuts `[start, end)` into consecutive ranges of at most `size` rows (at least one range). */
export function splitRows(start: number, end: number, size: number): RowRange[] {
  const step = Math.max(1, Math.floor(size));
  const out: RowRange[] = [];
  for (let a = start; a < end; a += step) out.push({ start: a, end: Math.min(end, a + step) });
  if (out.length === 0) out.push({ start, end });
  return out;
}

/** Shards per worker by default: enough for a fast worker to take over a slow one's share. */
export const SHARDS_PER_WORKER = 4;

/**
 * Rows per shard: `requested` when given, else about {@linkcode SHARDS_PER_WORKER} shards per
 * worker (workers take the next shard as they finish, which evens out a busy core), rounded up
 * to whole `batch`es once a shard is bigger than one.
 */
export function shardSize(
  rows: number,
  workers: number,
  requested: number | undefined,
  batch = 32,
): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 1) {
      throw new RangeError(`shardRows must be a positive integer, received ${requested}`);
    }
    return requested;
  }
  const size = Math.max(1, Math.ceil(rows / (workers * SHARDS_PER_WORKER)));
  return size > batch ? Math.ceil(size / batch) * batch : size;
}

/** Rows per staging window so that `bytesPerRow` × rows stays within `maxBytes` (at least 1). */
export function windowRows(rows: number, bytesPerRow: number, maxBytes: number): number {
  if (bytesPerRow === 0) return Math.max(rows, 1);
  return Math.max(1, Math.min(rows, Math.floor(maxBytes / bytesPerRow)));
}
