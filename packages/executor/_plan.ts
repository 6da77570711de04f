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

/** The most rows a shard of the even split takes (see {@linkcode ShardCursor}). */
const TAIL_ROWS = 128;

/**
 * Hands out the shards of `[start, end)` in order. With a fixed `size` every shard has `size` rows
 * (the last may be shorter). Without one, shards are guided: each takes about half of an even
 * share of what is left (`remaining / (2 × workers)`), in whole `batch`es while that share is at
 * least a batch, so shards start large (few messages) and shrink towards the end. Once the share
 * is under a batch (a call of fewer than `2 × workers` batches, or the end of a larger one):
 *
 * - with `paceFirst` (the default), a worker's first shard is 3/4 of an even share of all the
 *   rows, and from then on, given the workers' {@linkcode Pace}, each shard is sized so that the
 *   asking worker and the others, taking the rest, end together ({@linkcode balancedRows}); a
 *   worker takes all that is left rather than leave behind fewer rows than 2 ms of another's
 *   work or 8 ({@linkcode leftBehindRows}). Two shards a
 *   worker when the workers go alike: each shard costs a message round trip through the main
 *   thread (0.4–0.5 ms between a worker's shards here) and smaller shards read a big layer's
 *   recurrent weights again at every step; on two vCPUs of unequal speed the paced shards still
 *   end them together (W2 on 2 workers, A/B in one process: 1.87 vs 1.84–1.85× one thread with
 *   level vCPUs, 1.77 vs 1.67× with unequal ones, against shards of a quarter, a sixth, … of
 *   what was left);
 * - without it (the BLAS backend on first shards under 256 rows, {@linkcode pacesFirst}: it
 *   repacks the recurrent weights at every call, so fewer rows per call cost more), and for
 *   calls too small for two rounds, what is left is split evenly in one round, at most
 *   `min(batch, 128)` rows a shard, or paced once every worker has finished a shard.
 */
export class ShardCursor {
  #next: number;
  #rows: number;
  #end: number;
  #workers: number;
  #size: number | undefined;
  #batch: number;
  #tail: number | undefined;
  #firsts = 0;
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
    this.#rows = end - start;
    this.#end = end;
    this.#workers = Math.max(1, workers);
    this.#size = size;
    this.#batch = Math.max(1, batch);
    this.#paceFirst = paceFirst;
  }

  /**
   * The next shard, or `null` when every row has been handed out. Once shares are under a
   * batch, `pace` (the asking worker's, once it has finished a shard) sizes the shard so that the
   * asking worker and the others, taking the rest, end together ({@linkcode balancedRows}).
   */
  take(pace?: Pace): RowRange | null {
    const left = this.#end - this.#next;
    if (left <= 0) return null;
    let n = this.#size;
    if (n === undefined) {
      const share = Math.ceil(left / (2 * this.#workers));
      const tail = Math.min(this.#batch, TAIL_ROWS);
      const paced = () => {
        const own = Math.max(Math.min(MIN_PACED_ROWS, left), Math.ceil(balancedRows(left, pace!)));
        return left - own >= leftBehindRows(pace!) ? own : left;
      };
      const rounds = this.#paceFirst && this.#rows >= 4 * MIN_PACED_ROWS * this.#workers;
      if (share >= this.#batch) n = Math.ceil(share / this.#batch) * this.#batch;
      else if (rounds && pace) n = paced();
      else if (rounds) {
        // A worker's first shard: never more than an even share of what the workers that have
        // not started yet leave (a worker that starts late in a large call gets no more).
        const waiting = Math.max(1, this.#workers - this.#firsts++);
        n = Math.min(Math.ceil((3 * this.#rows) / (4 * this.#workers)), Math.ceil(left / waiting));
      } else if (share >= tail) n = share;
      else if (pace !== undefined) n = paced();
      else n = this.#tail ??= Math.min(tail, Math.ceil(left / this.#workers));
    }
    const shard = { start: this.#next, end: Math.min(this.#end, this.#next + n) };
    this.#next = shard.end;
    return shard;
  }
}

/**
 * From a worker's end of a shard to its start of the next (its message to the main thread, the
 * main thread's reply), in ms: 0.5–1.2 ms measured on W2, of which the asking worker, whose
 * shard is being posted, still has 0.2–0.5 ms ahead.
 */
const HANDOFF_MS = 0.75;

/**
 * The fewest rows a worker's first shard needs on the BLAS backend for the call to be paced
 * (see {@linkcode pacesFirst}).
 */
const BLAS_PACED_ROWS = 256;

/**
 * Whether a call of `rows` rows on `workers` workers is paced (`ShardCursor`'s `paceFirst`): always
 * on the WebAssembly core; on the BLAS backend, which repacks the recurrent weights at every
 * product, only while a worker's first shard (3/4 of an even share) keeps at least 256 rows. A/B
 * in one process, 2 workers, BLAS: W1 (first shards of 384 rows) 42.2 vs 44.1 ms paced vs split
 * evenly in one round, W2 33.7 vs 34.7; W5 (96 rows) was 353 vs 269 ms, so it stays unpaced.
 *
 * @example
 * ```ts ignore
 * pacesFirst(1024, 2, true); // true: first shards of 384 rows
 * pacesFirst(256, 2, true); // false: 96 rows
 * ```
 */
export function pacesFirst(rows: number, workers: number, blas: boolean): boolean {
  return !blas || Math.ceil((3 * rows) / (4 * Math.max(1, workers))) >= BLAS_PACED_ROWS;
}

/** The smallest shard a paced take hands out (unless fewer rows are left). */
const MIN_PACED_ROWS = 8;

/**
 * The least work, in milliseconds at the pace of the fastest other worker, that a paced take
 * leaves behind for a shard of its own; less, and the asking worker takes it too. A last small
 * shard costs its worker a round trip through the main thread and the model's fixed costs per
 * call: W1 and W3 on the BLAS backend, 2 workers, spent 0.6–4.5 ms beyond their compute on tail
 * shards of 8 to 39 rows (each ending the call), where the asking worker would have done the
 * rows in 0.5–2.6 ms.
 */
const LEFT_BEHIND_MS = 2;

/** Rows a paced take must leave behind, if any: {@linkcode LEFT_BEHIND_MS} of work, 8 rows at least. */
export function leftBehindRows(pace: Pace): number {
  const fastest = pace.others.reduce((r, o) => Math.max(r, o.rate), 0);
  return Math.max(MIN_PACED_ROWS, Math.ceil(LEFT_BEHIND_MS * fastest));
}

/** How fast the workers of a call go: what {@linkcode ShardCursor.take} balances the tail with. */
export interface Pace {
  /** Rows a millisecond of the worker asking. */
  readonly rate: number;
  /** Every other worker: its rows a millisecond, and in how many milliseconds it is free. */
  readonly others: readonly { readonly rate: number; readonly freeIn: number }[];
}

/**
 * Rows for the asking worker so that it and the others, each taking the rest of `left` as soon
 * as it can, finish together. Another worker starts new rows `h` = 0.75 ms after it is free (the
 * hand-off through the main thread, which the asking worker is already in), so with every worker
 * busy until the finish time `T`, `rate·T + Σ rateᵢ·(T − freeInᵢ − h) = left`; a worker that
 * could only start after `T` takes none.
 *
 * @example
 * ```ts ignore
 * balancedRows(90, { rate: 2, others: [{ rate: 1, freeIn: 0 }] }); // 60.5
 * ```
 */
export function balancedRows(left: number, pace: Pace): number {
  const others = pace.others.map((o) => ({ rate: o.rate, freeIn: o.freeIn + HANDOFF_MS }))
    .sort((a, b) => a.freeIn - b.freeIn);
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

  /**
   * The pace of worker `w`, or `undefined` while it has not finished a shard yet. A worker that
   * has not finished one either is taken to go as fast as `w`.
   */
  of(w: number): Pace | undefined {
    const rates = this.#rows.map((r, i) => r / this.#ms[i]);
    if (!(rates[w] > 0)) return undefined;
    for (let i = 0; i < rates.length; i++) if (!(rates[i] > 0)) rates[i] = rates[w];
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
