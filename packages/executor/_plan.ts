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
 * The tail starts when a worker's share falls under this many rows: from there shards are sized
 * from the workers' pace (or split evenly, at most this many rows, before every worker has a
 * pace). Small shards cost more than they balance: each one is a message round trip (about 1 ms
 * here) and reads a big layer's recurrent weights again at every step (W5's LSTM(512): ~10% more
 * CPU with 32-row shards).
 */
const TAIL_ROWS = 128;

/**
 * Hands out the shards of `[start, end)` in order. With a fixed `size` every shard has `size` rows
 * (the last may be shorter). Without one, shards are guided: each takes about half of an even
 * share of what is left (`remaining / (2 × workers)`), in whole `batch`es while that share is at
 * least a batch, so shards start large (few messages) and shrink towards the end, where a worker
 * that finishes early waits at most one small shard for the others. Once the share is under
 * `min(batch, 128)` rows, what is left is split evenly, at most that many rows per shard, or, given
 * the workers' {@linkcode Pace}, so that they all finish together. A batch larger than the share
 * is thus cut too: workers of unequal speed (a shared or throttled core) still finish together.
 * With `paceFirst` (the default), that even split is made in two rounds when each shard keeps at
 * least 16 rows, so the workers' pace is known before the second round: otherwise a batch of
 * 2 × 128 rows went out as one shard per worker, and on two cores of unequal speed (this
 * machine's vCPUs: 46 and 37 GFLOP/s in one run) the faster waited for the slower. Without it
 * (the BLAS backend, which repacks the recurrent weights at every call, so fewer rows per call
 * cost more), the even split is one round.
 */
export class ShardCursor {
  #next: number;
  #end: number;
  #workers: number;
  #size: number | undefined;
  #batch: number;
  #tail: number | undefined;
  #paceFirst: boolean;

  /** A cursor over `[start, end)`; throws a `RangeError` for a `size` that is not a positive integer. */
  constructor(
    start: number,
    end: number,
    workers: number,
    size?: number,
    batch = 32,
    paceFirst = true,
  ) {
    if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
      throw new RangeError(`shardRows must be a positive integer, received ${size}`);
    }
    this.#next = start;
    this.#end = end;
    this.#workers = Math.max(1, workers);
    this.#size = size;
    this.#batch = Math.max(1, batch);
    this.#paceFirst = paceFirst;
  }

  /**
   * The next shard, or `null` when every row has been handed out. In the tail (shares under
   * `min(batch, 128)` rows), a `pace` sizes the shard so that the asking worker and the others,
   * taking the rest, end together ({@linkcode balancedRows}); without one, what is left is split
   * evenly.
   */
  take(pace?: Pace): RowRange | null {
    const left = this.#end - this.#next;
    if (left <= 0) return null;
    let n = this.#size;
    if (n === undefined) {
      const share = Math.ceil(left / (2 * this.#workers));
      const tail = Math.min(this.#batch, TAIL_ROWS);
      if (share >= this.#batch) n = Math.ceil(share / this.#batch) * this.#batch;
      else if (share >= tail) n = share;
      else if (pace !== undefined) {
        n = Math.max(Math.min(MIN_PACED_ROWS, left), Math.ceil(balancedRows(left, pace)));
      } else {
        // Less than a tail shard each: split what is left evenly, from now on (in two rounds
        // when the shards stay large enough, so that the second can be paced).
        const half = Math.ceil(left / (2 * this.#workers));
        const even = this.#paceFirst && half >= 2 * MIN_PACED_ROWS
          ? half
          : Math.ceil(left / this.#workers);
        n = this.#tail ??= Math.min(tail, even);
      }
    }
    const shard = { start: this.#next, end: Math.min(this.#end, this.#next + n) };
    this.#next = shard.end;
    return shard;
  }
}

/** The smallest shard a paced take hands out (unless fewer rows are left). */
const MIN_PACED_ROWS = 8;

/** How fast the workers of a call go: what {@linkcode ShardCursor.take} balances the tail with. */
export interface Pace {
  /** Rows a millisecond of the worker asking. */
  readonly rate: number;
  /** Every other worker: its rows a millisecond, and in how many milliseconds it is free. */
  readonly others: readonly { readonly rate: number; readonly freeIn: number }[];
}

/**
 * Rows for the asking worker so that it and the others, each taking the rest of `left` as soon
 * as it is free, finish together: with every worker busy until the finish time `T`,
 * `rate·T + Σ rateᵢ·(T − freeInᵢ) = left`; a worker free only after `T` takes none.
 *
 * @example
 * ```ts ignore
 * balancedRows(90, { rate: 2, others: [{ rate: 1, freeIn: 0 }] }); // 60
 * ```
 */
export function balancedRows(left: number, pace: Pace): number {
  const others = [...pace.others].sort((a, b) => a.freeIn - b.freeIn);
  let finish = left / pace.rate;
  let rates = pace.rate, early = 0;
  for (const o of others) {
    if (o.freeIn >= finish) break;
    rates += o.rate;
    early += o.rate * o.freeIn;
    finish = (left + early) / rates;
  }
  return Math.min(left, pace.rate * finish);
}

/**
 * Measures each worker's rows a millisecond over the shards of one call, and gives the
 * {@linkcode Pace} of a worker once every worker has finished a shard.
 */
export class WorkerPace {
  #rows: number[];
  #ms: number[];
  #busy: ({ at: number; rows: number } | null)[];
  #now: () => number;

  /** Tracks `workers` workers, on the clock `now` (milliseconds). */
  constructor(workers: number, now: () => number = () => performance.now()) {
    this.#rows = new Array(workers).fill(0);
    this.#ms = new Array(workers).fill(0);
    this.#busy = new Array(workers).fill(null);
    this.#now = now;
  }

  /** Worker `w` starts a shard of `rows` rows. */
  start(w: number, rows: number): void {
    this.#busy[w] = { at: this.#now(), rows };
  }

  /** Worker `w` finished its shard. */
  finish(w: number): void {
    const b = this.#busy[w];
    if (b === null) return;
    this.#rows[w] += b.rows;
    this.#ms[w] += Math.max(1e-3, this.#now() - b.at);
    this.#busy[w] = null;
  }

  /** The pace of worker `w`, or `undefined` while some worker has not finished a shard yet. */
  of(w: number): Pace | undefined {
    const rates = this.#rows.map((r, i) => r / this.#ms[i]);
    if (rates.some((r) => !(r > 0))) return undefined;
    const now = this.#now();
    const others = [];
    for (let i = 0; i < rates.length; i++) {
      if (i === w) continue;
      const b = this.#busy[i];
      others.push({
        rate: rates[i],
        freeIn: b === null ? 0 : Math.max(0, b.at + b.rows / rates[i] - now),
      });
    }
    return { rate: rates[w], others };
  }
}

/** Rows per staging window so that `bytesPerRow` × rows stays within `maxBytes` (at least 1). */
export function windowRows(rows: number, bytesPerRow: number, maxBytes: number): number {
  if (bytesPerRow === 0) return Math.max(rows, 1);
  return Math.max(1, Math.min(rows, Math.floor(maxBytes / bytesPerRow)));
}
