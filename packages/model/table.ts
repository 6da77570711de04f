/** One column of a {@linkcode renderTable} table. */
export interface TableColumn {
  /** Header text. */
  readonly header: string;
  /** Requested width in characters (padding excluded), as Keras computes it. */
  readonly width: number;
  /** Text alignment of the header and the cells. */
  readonly justify: "left" | "right";
}

/** Python's `round()` for a float: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** rich's `ratio_reduce`: takes `total` off `values`, spread by `ratios`, capped by `maximums`. */
function ratioReduce(
  total: number,
  ratios: readonly number[],
  maximums: readonly number[],
  values: readonly number[],
): number[] {
  const rs = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = rs.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    const ratio = rs[i];
    if (ratio && totalRatio > 0) {
      const distributed = Math.min(maximums[i], roundHalfEven((ratio * remaining) / totalRatio));
      remaining -= distributed;
      totalRatio -= ratio;
      return value - distributed;
    }
    return value;
  });
}

/** Column widths including padding, as rich lays out a fixed-width table of `tableWidth`. */
export function columnWidths(columns: readonly TableColumn[], tableWidth: number): number[] {
  const widths = columns.map((c) => c.width + 2);
  const maxWidth = tableWidth - (columns.length + 1);
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum <= maxWidth) return widths;
  return ratioReduce(sum - maxWidth, widths.map(() => 1), widths, widths);
}

/** rich's `divide_line` without folding: offsets where a line break goes. */
function divideLine(text: string, width: number): number[] {
  const breaks: number[] = [];
  const word = /\s*\S+\s*/y;
  let offset = 0;
  let position = 0;
  for (;;) {
    word.lastIndex = position;
    const m = word.exec(text);
    if (!m) break;
    const start = m.index;
    const w = m[0];
    position = start + w.length;
    const length = w.trimEnd().length;
    if (width - offset >= length) {
      offset += w.length;
    } else if (length > width) {
      if (start) breaks.push(start);
      offset = w.length;
    } else if (offset && start) {
      breaks.push(start);
      offset = w.length;
    }
  }
  return breaks;
}

function rstripEnd(line: string, size: number): string {
  if (line.length <= size) return line;
  const trailing = line.length - line.trimEnd().length;
  return line.slice(0, line.length - Math.min(trailing, line.length - size));
}

function truncate(line: string, width: number): string {
  return line.length > width ? line.slice(0, Math.max(0, width - 1)) + "…" : line;
}

/** Wraps `text` into lines of exactly `width` characters, as rich renders a table cell. */
export function wrapCell(text: string, width: number, justify: "left" | "right"): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    const offsets = divideLine(paragraph, width);
    const cuts = [0, ...offsets, paragraph.length];
    for (let i = 0; i + 1 < cuts.length; i++) {
      let line = rstripEnd(paragraph.slice(cuts[i], cuts[i + 1]), width);
      if (justify === "right") {
        line = truncate(line.trimEnd(), width);
        line = " ".repeat(width - line.length) + line;
      } else {
        line = truncate(line, width);
        line = line + " ".repeat(width - line.length);
      }
      out.push(line);
    }
  }
  return out;
}

const HEAVY_HEAD = {
  top: ["┏", "━", "┳", "┓"],
  head: ["┃", "┃", "┃"],
  headSep: ["┡", "━", "╇", "┩"],
  row: ["│", "│", "│"],
  rowSep: ["├", "─", "┼", "┤"],
  bottom: ["└", "─", "┴", "┘"],
};

/**
 * Renders a table the way Keras's `summary()` prints it through rich: heavy header box, a line
 * between rows, fixed column widths shrunk to fit `tableWidth`, words wrapped inside cells.
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  tableWidth: number,
): string[] {
  const widths = columnWidths(columns, tableWidth);
  const rule = ([l, fill, mid, r]: string[]): string =>
    l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const renderRow = (cells: readonly string[], [l, mid, r]: string[]): string[] => {
    const wrapped = cells.map((text, i) =>
      wrapCell(text, Math.max(0, widths[i] - 2), columns[i].justify)
    );
    const height = Math.max(...wrapped.map((w) => w.length));
    const lines: string[] = [];
    for (let h = 0; h < height; h++) {
      const parts = wrapped.map((w, i) => ` ${w[h] ?? " ".repeat(Math.max(0, widths[i] - 2))} `);
      lines.push(l + parts.join(mid) + r);
    }
    return lines;
  };
  const out = [rule(HEAVY_HEAD.top)];
  out.push(...renderRow(columns.map((c) => c.header), HEAVY_HEAD.head));
  out.push(rule(HEAVY_HEAD.headSep));
  rows.forEach((row, i) => {
    if (i > 0) out.push(rule(HEAVY_HEAD.rowSep));
    out.push(...renderRow(row, HEAVY_HEAD.row));
  });
  out.push(rule(HEAVY_HEAD.bottom));
  return out;
}
