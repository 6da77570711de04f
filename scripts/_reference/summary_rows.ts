/**
 * Reads the table `model.summary()` prints (Keras's rich-drawn box table) back into rows, so two
 * summaries can be compared loosely: layer names, types, output shapes and parameter counts,
 * plus the title and the three footer lines. Cell text wrapped over several lines is joined, and
 * whitespace is ignored when comparing, because the exact wrapping depends on `rich`.
 *
 * @module
 */

/** One layer row of a summary table. */
export interface SummaryRow {
  /** Layer name, whitespace removed. */
  name: string;
  /** Class name shown in parentheses. */
  type: string;
  /** Output shape text, whitespace removed: `(None,5,128)`. */
  shape: string;
  /** Parameter count. */
  params: number;
  /** The "Connected to" cell of Functional summaries, whitespace removed ("" when absent). */
  connectedTo: string;
}

/** A parsed summary. */
export interface ParsedSummary {
  /** The model name from `Model: "…"`, or null. */
  title: string | null;
  /** Layer rows, top to bottom. */
  rows: SummaryRow[];
  /** `Total params: …`, `Trainable params: …`, `Non-trainable params: …`, whitespace collapsed. */
  footer: string[];
}

const squeeze = (s: string): string => s.replace(/\s+/g, "");

function rowFromCells(cells: string[][], lineNo: number): SummaryRow {
  const joined = cells.map((parts) => parts.join(" "));
  const nameType = squeeze(joined[0] ?? "");
  const m = /^(.*)\(([^()]*)\)$/.exec(nameType);
  if (!m) {
    throw new TypeError(
      `Summary row ending at line ${lineNo}: expected "name (Type)" in the first column, ` +
        `found "${joined[0]?.trim()}"`,
    );
  }
  const paramText = squeeze(joined[2] ?? "").replace(/,/g, "");
  const params = Number(paramText);
  if (paramText === "" || !Number.isInteger(params)) {
    throw new TypeError(
      `Summary row ending at line ${lineNo} (${m[1]}): expected a parameter count in the third ` +
        `column, found "${joined[2]?.trim()}"`,
    );
  }
  return {
    name: m[1],
    type: m[2],
    shape: squeeze(joined[1] ?? ""),
    params,
    connectedTo: squeeze(joined[3] ?? ""),
  };
}

/** Parses the text of `model.summary()`. Throws a `TypeError` on a row it cannot read. */
export function parseSummary(text: string): ParsedSummary {
  const lines = text.split(/\r?\n/);
  let title: string | null = null;
  const rows: SummaryRow[] = [];
  const footer: string[] = [];
  let pending: string[][] | null = null;
  const flush = (lineNo: number) => {
    if (pending) rows.push(rowFromCells(pending, lineNo));
    pending = null;
  };
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    const t = /^Model: "(.*)"$/.exec(trimmed);
    if (t) {
      title = t[1];
      return;
    }
    if (/^(Total|Trainable|Non-trainable) params:/.test(trimmed)) {
      footer.push(trimmed.replace(/\s+/g, " "));
      return;
    }
    if (trimmed.startsWith("│")) {
      const cells = trimmed.split("│").slice(1, -1).map((c) => c.trim());
      if (!pending) pending = cells.map(() => []);
      cells.forEach((c, j) => {
        if (c !== "" && pending) (pending[j] ??= []).push(c);
      });
      return;
    }
    if (trimmed.startsWith("├") || trimmed.startsWith("└")) flush(i + 1);
  });
  flush(lines.length);
  return { title, rows, footer };
}

/** Classes of the mask operation nodes Keras 3 adds to a graph while it builds it. */
const MASK_OPERATIONS = new Set(["NotEqual", "Any"]);

/**
 * Whether two row names agree. The mask operation nodes that Keras creates while it rebuilds a
 * graph take auto-generated names from a process-wide counter (`not_equal`, `not_equal_1`, …),
 * so their numeric suffix depends on what that Python process built before: keras-wild
 * `katakana_seq2seq_lstm` was loaded after a failed attempt (its `load.workaround.steps`) that had
 * already used `not_equal` and `not_equal_1`. For those rows only the name stem must match; their
 * class, shape, count and position are still compared exactly.
 */
function sameRowName(ours: SummaryRow, keras: SummaryRow): boolean {
  if (ours.name === keras.name) return true;
  if (!MASK_OPERATIONS.has(keras.type) || ours.type !== keras.type) return false;
  const stem = (name: string) => name.replace(/_\d+$/, "");
  return stem(ours.name) === stem(keras.name);
}

/** Compares our summary with Keras's; returns one message per difference (empty when equal). */
export function compareSummaries(ours: string, keras: string): string[] {
  const a = parseSummary(ours);
  const b = parseSummary(keras);
  const problems: string[] = [];
  if (a.title !== b.title) problems.push(`summary title "${a.title}" != Keras "${b.title}"`);
  if (a.rows.length !== b.rows.length) {
    problems.push(
      `summary has ${a.rows.length} layer rows [${a.rows.map((r) => r.name).join(", ")}], ` +
        `Keras has ${b.rows.length} [${b.rows.map((r) => r.name).join(", ")}]`,
    );
  }
  const n = Math.min(a.rows.length, b.rows.length);
  for (let i = 0; i < n; i++) {
    const x = a.rows[i];
    const y = b.rows[i];
    if (!sameRowName(x, y)) {
      problems.push(`summary row ${i} (${y.name}) name: "${x.name}" != Keras "${y.name}"`);
    }
    for (const key of ["type", "shape", "params"] as const) {
      if (x[key] !== y[key]) {
        problems.push(`summary row ${i} (${y.name}) ${key}: "${x[key]}" != Keras "${y[key]}"`);
      }
    }
  }
  for (let i = 0; i < b.footer.length; i++) {
    if (a.footer[i] !== b.footer[i]) {
      problems.push(`summary footer "${a.footer[i] ?? "(missing)"}" != Keras "${b.footer[i]}"`);
    }
  }
  return problems;
}
