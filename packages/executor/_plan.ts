/**
 * Splits a batch into contiguous row ranges: windows that bound the staging memory, and shards
 * inside each window that the workers take in order as they become free.
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

/**
 * The shards of the tail end are at most this many rows, even when a batch is larger: smaller
 * ones cost more than they balance (W5's LSTM(512) reads its 4 MB of recurrent weights once a
 * step per shard; measured ~10% more CPU with 32-row shards).
 */
const TAIL_ROWS = 64;

/**
 * Hands out the shards of `[start, end)` in order. With a fixed `size` every shard has `size` rows
 * (the last may be shorter). Without one, shards are guided: each takes about half of an even
 * share of what is left (`remaining / (2 × workers)`), in whole `batch`es while that share is at
 * least a batch, so shards start large (few messages) and shrink towards the end, where a worker
 * that finishes early waits at most one small shard for the others. Once the share is under
 * `min(batch, 64)` rows, what is left is split evenly, at most that many rows per shard. A batch
 * larger than the share is thus cut too: workers of unequal speed (a shared or throttled core)
 * still finish together.
 */
export class ShardCursor {
  #next: number;
  #end: number;
  #workers: number;
  #size: number | undefined;
  #batch: number;

  /** A cursor over `[start, end)`; throws a `RangeError` for a `size` that is not a positive integer. */
  constructor(start: number, end: number, workers: number, size?: number, batch = 32) {
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new RangeError(`shardRows must be a positive integer, received ${size}`);
    }
    this.#next = start;
    this.#end = end;
    this.#workers = Math.max(1, workers);
    this.#size = size;
    this.#batch = Math.max(1, batch);
  }

  /** The next shard, or `null` when every row has been handed out. */
  take(): RowRange | null {
    const left = this.#end - this.#next;
    if (left <= 0) return null;
    let n = this.#size;
    if (n === undefined) {
      const share = Math.ceil(left / (2 * this.#workers));
      const tail = Math.min(this.#batch, TAIL_ROWS);
      if (share >= this.#batch) n = Math.ceil(share / this.#batch) * this.#batch;
      else if (share >= tail) n = share;
      else {
        // Less than a tail shard each: split what is left evenly, from now on.
        n = this.#size = Math.min(tail, Math.ceil(left / this.#workers));
      }
    }
    const shard = { start: this.#next, end: Math.min(this.#end, this.#next + n) };
    this.#next = shard.end;
    return shard;
  }
}

/** Rows per staging window so that `bytesPerRow` × rows stays within `maxBytes` (at least 1). */
export function windowRows(rows: number, bytesPerRow: number, maxBytes: number): number {
  if (bytesPerRow === 0) return Math.max(rows, 1);
  return Math.max(1, Math.min(rows, Math.floor(maxBytes / bytesPerRow)));
}
