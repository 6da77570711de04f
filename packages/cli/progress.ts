/**
 * Progress on stderr: a redrawn bar when stderr is a terminal, plain lines (one per tenth of the
 * work) when it is not, so logs stay readable.
 *
 * @module
 */

/** Where text goes (stderr, or a buffer in tests). */
export interface TextSink {
  /** Writes `text` as is (no newline added). */
  write(text: string): void;
}

/** Options of {@linkcode ProgressReporter}. */
export interface ProgressOptions {
  /** Draw a bar redrawn in place (a terminal) instead of plain lines. */
  tty: boolean;
  /** Rows in the whole job. */
  total: number;
  /** Clock in milliseconds (tests pass a fake one). */
  now?: () => number;
  /** Bar width in characters (default 30). */
  width?: number;
}

/** Formats a rate: `1,234.5`. */
export function formatRate(perSecond: number): string {
  return perSecond.toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
}

/**
 * Reports rows done out of a total.
 *
 * @example
 * ```ts
 * import { ProgressReporter } from "./progress.ts";
 * const lines: string[] = [];
 * const p = new ProgressReporter({ write: (t) => lines.push(t) }, { tty: false, total: 10 });
 * p.update(10);
 * p.finish();
 * lines[0]; // "progress: 10/10 rows (100%)\n"
 * ```
 */
export class ProgressReporter {
  #sink: TextSink;
  #tty: boolean;
  #total: number;
  #now: () => number;
  #width: number;
  #start: number;
  #lastDraw = -Infinity;
  #lastTenth = 0;
  #drawn = false;

  /** Starts the clock. */
  constructor(sink: TextSink, options: ProgressOptions) {
    this.#sink = sink;
    this.#tty = options.tty;
    this.#total = options.total;
    this.#now = options.now ?? (() => performance.now());
    this.#width = options.width ?? 30;
    this.#start = this.#now();
  }

  /** Records that `done` rows are finished (redraws at most ten times a second). */
  update(done: number): void {
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 1;
    if (this.#tty) {
      const t = this.#now();
      if (t - this.#lastDraw < 100 && done < this.#total) return;
      this.#lastDraw = t;
      const filled = Math.round(fraction * this.#width);
      const bar = "█".repeat(filled) + "░".repeat(this.#width - filled);
      const seconds = (t - this.#start) / 1000;
      const rate = seconds > 0 ? `  ${formatRate(done / seconds)} seq/s` : "";
      const pct = String(Math.floor(fraction * 100)).padStart(3);
      this.#sink.write(`\r${bar} ${pct}%  ${done}/${this.#total} rows${rate}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const tenth = done >= this.#total ? 10 : Math.floor(fraction * 10);
    if (tenth <= this.#lastTenth) return;
    this.#lastTenth = tenth;
    this.#sink.write(`progress: ${done}/${this.#total} rows (${Math.floor(fraction * 100)}%)\n`);
  }

  /** Ends the bar's line (terminal mode). */
  finish(): void {
    if (this.#tty && this.#drawn) this.#sink.write("\n");
  }
}
