import { renderTable, type TableColumn } from "./table.ts";

/** One layer row of a model summary. */
export interface SummaryRow {
  /** `lstm (LSTM)`. */
  readonly name: string;
  /** `(None, 5, 4)` or `[(None, 4), (None, 4)]`. */
  readonly outputShape: string;
  /** `1,024`, or `0 (unbuilt)`. */
  readonly params: string;
  /** `input_layer[0][0], lstm[0][1]`, or `-`; only for graphs that are not sequential-like. */
  readonly connectedTo?: string;
}

/** What {@linkcode formatSummary} prints. */
export interface SummaryData {
  /** Model name, for the title. */
  readonly modelName: string;
  /** One row per layer. */
  readonly rows: readonly SummaryRow[];
  /** Sequential-like models get 3 columns (88 wide); graphs get "Connected to" (108 wide). */
  readonly sequentialLike: boolean;
  /** Trainable scalar count and bytes. */
  readonly trainable: { readonly count: number; readonly bytes: number };
  /** Non-trainable scalar count and bytes. */
  readonly nonTrainable: { readonly count: number; readonly bytes: number };
}

/** Options of {@linkcode formatSummary}. */
export interface SummaryOptions {
  /** Total width of the table (Keras's `line_length`): 88 or 108 by default. */
  lineLength?: number;
}

/** `1234567` → `1,234,567`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Keras's `readable_memory_size`: bytes as B, KB, MB, … (1 KB = 1024 B) with 2 decimals, rounded
 * exactly as Python's `"{:.2f}"` does (ties to even).
 */
export function readableMemorySize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB", "PB"];
  let unit = 0;
  let scale = 1;
  while (unit < units.length - 1 && bytes / (scale * 1024) >= 1) {
    scale *= 1024;
    unit++;
  }
  const scaled = bytes * 100;
  let q = Math.floor(scaled / scale);
  const r = scaled - q * scale;
  if (2 * r > scale || (2 * r === scale && q % 2 === 1)) q++;
  const whole = Math.floor(q / 100);
  const frac = String(q % 100).padStart(2, "0");
  return `${whole}.${frac} ${units[unit]}`;
}

/**
 * The text of Keras 3's `model.summary()`, line by line: title, rich table, parameter totals.
 *
 * @example
 * ```ts
 * import { formatSummary } from "@kerno/model";
 * const lines = formatSummary({
 *   modelName: "sequential",
 *   rows: [{ name: "lstm (LSTM)", outputShape: "(None, 4)", params: "128" }],
 *   sequentialLike: true,
 *   trainable: { count: 128, bytes: 512 },
 *   nonTrainable: { count: 0, bytes: 0 },
 * });
 * lines[0]; // 'Model: "sequential"'
 * ```
 */
export function formatSummary(data: SummaryData, options: SummaryOptions = {}): string[] {
  const seq = data.sequentialLike;
  const lineLength = options.lineLength ?? (seq ? 88 : 108);
  const positions = seq ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const headers = seq
    ? ["Layer (type)", "Output Shape", "Param #"]
    : ["Layer (type)", "Output Shape", "Param #", "Connected to"];
  const justify: ("left" | "right")[] = seq
    ? ["left", "left", "right"]
    : ["left", "left", "right", "left"];
  let current = 0;
  const columns: TableColumn[] = positions.map((pos, i) => {
    const width = Math.trunc(pos * lineLength) - current;
    if (width < 4) {
      throw new RangeError(
        `Insufficient width to print the summary: lineLength ${lineLength} leaves column ${i} ${width} characters`,
      );
    }
    current += width;
    return { header: headers[i], width, justify: justify[i] };
  });
  const rows = data.rows.map((r) =>
    seq
      ? [r.name, r.outputShape, r.params]
      : [r.name, r.outputShape, r.params, r.connectedTo ?? "-"]
  );
  const total = data.trainable.count + data.nonTrainable.count;
  const totalBytes = data.trainable.bytes + data.nonTrainable.bytes;
  return [
    `Model: "${data.modelName}"`,
    ...renderTable(columns, rows, lineLength),
    ` Total params: ${thousands(total)} (${readableMemorySize(totalBytes)})`,
    ` Trainable params: ${thousands(data.trainable.count)} (${
      readableMemorySize(data.trainable.bytes)
    })`,
    ` Non-trainable params: ${thousands(data.nonTrainable.count)} (${
      readableMemorySize(data.nonTrainable.bytes)
    })`,
  ];
}
