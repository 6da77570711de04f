/**
 * The slice of the input rows a `kerno predict` run computes: `--rows START:END` or
 * `--shard I/N` (contiguous ranges aligned to whole batches).
 *
 * @module
 */
import { UsageError } from "./_usage.ts";

/** A half-open row range `[start, end)`. */
export interface RowSlice {
  /** First row. */
  readonly start: number;
  /** One past the last row. */
  readonly end: number;
}

/** What the command line asked for, before the row count is known. */
export type SliceRequest =
  | { readonly kind: "all" }
  | { readonly kind: "rows"; readonly start: number; readonly end: number | null }
  | { readonly kind: "shard"; readonly index: number; readonly count: number };

const COMMAND = "predict";

function wholeNumber(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/** Parses `--rows` and `--shard` (at most one of them); throws a {@linkcode UsageError}. */
export function parseSlice(rows: string | undefined, shard: string | undefined): SliceRequest {
  if (rows !== undefined && shard !== undefined) {
    throw new UsageError("give --rows or --shard, not both", COMMAND);
  }
  if (rows !== undefined) {
    const m = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(rows);
    const start = m ? (m[1] === "" ? 0 : wholeNumber(m[1])) : null;
    const end = m && m[2] !== "" ? wholeNumber(m[2]) : null;
    if (!m || start === null || (m[2] !== "" && end === null)) {
      throw new UsageError(
        `--rows must be START:END (whole numbers, END excluded, either may be left out), received "${rows}"`,
        COMMAND,
      );
    }
    if (end !== null && end < start) {
      throw new UsageError(`--rows ${rows}: END must not be before START`, COMMAND);
    }
    return { kind: "rows", start, end };
  }
  if (shard !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(shard);
    const index = m ? wholeNumber(m[1]) : null;
    const count = m ? wholeNumber(m[2]) : null;
    if (index === null || count === null || count < 1 || index >= count) {
      throw new UsageError(
        `--shard must be I/N with 0 <= I < N (I counts from 0, as JOB_COMPLETION_INDEX does), received "${shard}"`,
        COMMAND,
      );
    }
    return { kind: "shard", index, count };
  }
  return { kind: "all" };
}

/**
 * Shard `index` of `count` over `rows` rows: the batches (of `batch` rows; the last may be
 * shorter) are split into `count` contiguous runs whose sizes differ by at most one batch, so
 * every shard but the last starts and ends on a batch boundary. Shards past the number of
 * batches are empty.
 *
 * @example
 * ```ts
 * import { shardRows } from "./_slice.ts";
 * shardRows(1, 3, 1000, 32); // { start: 320, end: 672 }: batches 10 to 20 of the 32
 * ```
 */
export function shardRows(index: number, count: number, rows: number, batch: number): RowSlice {
  const batches = Math.ceil(rows / batch);
  const first = Math.floor((index * batches) / count);
  const last = Math.floor(((index + 1) * batches) / count);
  return { start: Math.min(rows, first * batch), end: Math.min(rows, last * batch) };
}

/**
 * The rows a request covers in an input of `rows` rows. `--rows` past the end is cut to the
 * end, as numpy slices are; a start after the last row is a {@linkcode UsageError}.
 */
export function resolveSlice(request: SliceRequest, rows: number, batch: number): RowSlice {
  if (request.kind === "all") return { start: 0, end: rows };
  if (request.kind === "shard") return shardRows(request.index, request.count, rows, batch);
  if (request.start > rows) {
    throw new UsageError(
      `--rows ${request.start}:${
        request.end ?? ""
      } starts after the last row (the input has ${rows} rows)`,
      COMMAND,
    );
  }
  return { start: request.start, end: Math.min(rows, request.end ?? rows) };
}
