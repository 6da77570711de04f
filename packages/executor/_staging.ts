/**
 * Places a request's inputs in shared memory and hands out row views of them and of the outputs.
 * An input already in a `SharedArrayBuffer` is used in place (zero-copy); any other is copied,
 * one window of rows at a time, into a staging buffer of at most `windowRows` rows.
 *
 * @module
 */
import { addressOf, adviseHugePages, type DType, Tensor, type TensorData } from "@kerno/tensor";
import { type AddressRef, bytesPerElement, type SharedRef } from "./_messages.ts";
import type { RowRange } from "./_plan.ts";

/** A shared array seen as rows: where row 0 starts and the shape of one row. */
export interface SharedRows {
  /** The buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of row 0 (of the current window, for staged inputs). */
  readonly byteOffset: number;
  /** Element type. */
  readonly dtype: DType;
  /** Shape of one row. */
  readonly rowShape: readonly number[];
  /** The first global row this view starts at. */
  readonly firstRow: number;
}

function rowElements(rowShape: readonly number[]): number {
  return rowShape.reduce((a, b) => a * b, 1);
}

/** The view of global rows `[range.start, range.end)` of `rows`. */
export function rowsRef(rows: SharedRows, range: RowRange): SharedRef {
  const bytesPerRow = rowElements(rows.rowShape) * bytesPerElement(rows.dtype);
  return {
    buffer: rows.buffer,
    byteOffset: rows.byteOffset + (range.start - rows.firstRow) * bytesPerRow,
    dtype: rows.dtype,
    shape: [range.end - range.start, ...rows.rowShape],
  };
}

function typed(dtype: DType, buffer: SharedArrayBuffer, byteOffset: number, n: number): TensorData {
  if (dtype === "float32") return new Float32Array(buffer, byteOffset, n);
  if (dtype === "int32") return new Int32Array(buffer, byteOffset, n);
  return new Uint8Array(buffer, byteOffset, n);
}

/** A typed array of `dtype` over all of `data`. */
export function typedOver(dtype: DType, data: ArrayBuffer): TensorData {
  if (dtype === "float32") return new Float32Array(data);
  if (dtype === "int32") return new Int32Array(data);
  return new Uint8Array(data);
}

/** The typed array a {@linkcode SharedRef} describes (a view, no copy). */
export function viewOf(ref: SharedRef): TensorData {
  const n = ref.shape.reduce((a, b) => a * b, 1);
  return typed(ref.dtype, ref.buffer, ref.byteOffset, n);
}

/**
 * A zero-filled tensor of `rows` rows in a new `SharedArrayBuffer`, with its row view. With
 * `hugePages` (a call on the native backend), a large buffer is put on huge pages before the
 * workers write it ({@linkcode adviseHugePages}).
 */
export function sharedOutput(
  dtype: DType,
  rows: number,
  rowShape: readonly number[],
  hugePages = false,
): { tensor: Tensor; rows: SharedRows } {
  const n = rows * rowElements(rowShape);
  const buffer = new SharedArrayBuffer(Math.max(1, n * bytesPerElement(dtype)));
  if (hugePages) adviseHugePages(new Uint8Array(buffer));
  const tensor = new Tensor(typed(dtype, buffer, 0, n), [rows, ...rowShape]);
  return { tensor, rows: { buffer, byteOffset: 0, dtype, rowShape, firstRow: 0 } };
}

/**
 * One flat output of a pool call: the tensor the caller gets, and how the workers reach its rows.
 * A shared output ({@linkcode sharedOutput}) is viewed by the workers. An addressed output is an
 * ordinary `ArrayBuffer` that the workers write by memory address: no worker keeps a JavaScript
 * object of it past its job, so it is freed as soon as the caller drops it and its pages serve the
 * next call.
 * (A `SharedArrayBuffer` lives until every worker that was sent it has collected its garbage,
 * and the calling thread's collector is not pressed to free it either: each call of a large
 * model then wrote fresh memory, 26 MB for W3, faulted in page by page.)
 */
export class CallOutput {
  /** The tensor returned to the caller. */
  readonly tensor: Tensor;
  readonly #rows: SharedRows | null;
  readonly #address: number | null;
  readonly #rowBytes: number;

  private constructor(tensor: Tensor, rows: SharedRows | null, address: number | null) {
    this.tensor = tensor;
    this.#rows = rows;
    this.#address = address;
    this.#rowBytes = rowElements(tensor.shape.slice(1)) * bytesPerElement(tensor.dtype);
  }

  /** A zero-filled output in a new `SharedArrayBuffer` ({@linkcode sharedOutput}). */
  static shared(
    dtype: DType,
    rows: number,
    rowShape: readonly number[],
    hugePages = false,
  ): CallOutput {
    const { tensor, rows: view } = sharedOutput(dtype, rows, rowShape, hugePages);
    return new CallOutput(tensor, view, null);
  }

  /**
   * An output written into `data`, an array the caller keeps over a `SharedArrayBuffer`, of
   * `rows` rows of `rowShape` (its size checked by the caller); the workers view its rows.
   */
  static into(data: TensorData, rows: number, rowShape: readonly number[]): CallOutput {
    const tensor = new Tensor(data, [rows, ...rowShape]);
    const view: SharedRows = {
      buffer: data.buffer as SharedArrayBuffer,
      byteOffset: data.byteOffset,
      dtype: tensor.dtype,
      rowShape,
      firstRow: 0,
    };
    return new CallOutput(tensor, view, null);
  }

  /**
   * A zero-filled output in a new ordinary `ArrayBuffer` (a large one on huge pages) that the
   * workers write by address; null where this thread has no addresses (no FFI permission, not
   * Linux) or the output is empty.
   */
  static addressed(dtype: DType, rows: number, rowShape: readonly number[]): CallOutput | null {
    const n = rows * rowElements(rowShape);
    const data = typedOver(dtype, new ArrayBuffer(n * bytesPerElement(dtype)));
    const address = addressOf(data);
    if (address === null) return null;
    adviseHugePages(data);
    return new CallOutput(new Tensor(data, [rows, ...rowShape]), null, address);
  }

  /** Whether the workers write this output by address. */
  get addressed(): boolean {
    return this.#address !== null;
  }

  /** The shared view of global rows `range` (a shared output only). */
  ref(range: RowRange): SharedRef {
    if (this.#rows === null) throw new Error("CallOutput.ref: this output is not shared");
    return rowsRef(this.#rows, range);
  }

  /** Where global rows `range` start in memory (an addressed output only). */
  span(range: RowRange): AddressRef {
    if (this.#address === null) throw new Error("CallOutput.span: this output has no address");
    return {
      address: this.#address + range.start * this.#rowBytes,
      dtype: this.tensor.dtype,
      shape: [range.end - range.start, ...this.tensor.shape.slice(1)],
    };
  }

  /** Copies `values` (rows `range`, sent back by a worker) into place. */
  write(range: RowRange, values: ArrayBuffer): void {
    const per = this.#rowBytes / bytesPerElement(this.tensor.dtype);
    this.tensor.data.set(typedOver(this.tensor.dtype, values), range.start * per);
  }
}

/** Bytes of one row of each input that is not already shared (what staging costs per row). */
export function stagingBytesPerRow(inputs: readonly Tensor[]): number {
  let bytes = 0;
  for (const t of inputs) {
    if (t.data.buffer instanceof SharedArrayBuffer) continue;
    bytes += rowElements(t.shape.slice(1)) * bytesPerElement(t.dtype);
  }
  return bytes;
}

/** Staging regions start on cache lines. */
const ALIGN = 64;

/**
 * Stages inputs window by window; shared inputs are passed through untouched. The inputs that
 * are not shared get one region each of a single `SharedArrayBuffer`, which a later call can
 * reuse (pass it back as `spare`): a fresh buffer's first write costs a page fault per page,
 * which for a large input is as long as several batches of the model.
 */
export class Stager {
  #inputs: readonly Tensor[];
  #offsets: (number | null)[];
  #buffer: SharedArrayBuffer | null;
  #window: RowRange | null = null;
  #filled = 0;

  /**
   * Prepares a region of `windowRows` rows for each input not already shared, in `spare` when
   * it is large enough, else in a new buffer.
   */
  constructor(
    inputs: readonly Tensor[],
    windowRows: number,
    spare: SharedArrayBuffer | null = null,
  ) {
    this.#inputs = inputs;
    let total = 0;
    this.#offsets = inputs.map((t) => {
      if (t.data.buffer instanceof SharedArrayBuffer) return null;
      const at = total;
      const bytes = windowRows * rowElements(t.shape.slice(1)) * bytesPerElement(t.dtype);
      total += Math.ceil(bytes / ALIGN) * ALIGN;
      return at;
    });
    this.#buffer = this.#offsets.every((o) => o === null)
      ? null
      : spare !== null && spare.byteLength >= total
      ? spare
      : new SharedArrayBuffer(Math.max(1, total));
  }

  /** The buffer holding the staged inputs (null when every input is already shared). */
  get buffer(): SharedArrayBuffer | null {
    return this.#buffer;
  }

  /**
   * Opens `window` and returns a row view of every input; the rows of the non-shared inputs are
   * copied in by {@linkcode Stager.fill} as shards need them, so that the first shards start
   * before the whole window is copied.
   */
  open(window: RowRange): SharedRows[] {
    this.#window = window;
    this.#filled = window.start;
    return this.#inputs.map((t, i) => {
      const rowShape = t.shape.slice(1);
      const at = this.#offsets[i];
      if (at === null || this.#buffer === null) {
        return {
          buffer: t.data.buffer as SharedArrayBuffer,
          byteOffset: t.data.byteOffset,
          dtype: t.dtype,
          rowShape,
          firstRow: 0,
        };
      }
      return {
        buffer: this.#buffer,
        byteOffset: at,
        dtype: t.dtype,
        rowShape,
        firstRow: window.start,
      };
    });
  }

  /**
   * Copies the open window's rows up to `range.end` that are not in yet (every row before it
   * too: shards are taken in order, so that is the rows of `range`).
   */
  fill(range: RowRange): void {
    const window = this.#window;
    if (window === null || this.#buffer === null) return;
    const end = Math.min(range.end, window.end);
    if (end <= this.#filled) return;
    const from = this.#filled;
    this.#inputs.forEach((t, i) => {
      const at = this.#offsets[i];
      if (at === null) return;
      const per = rowElements(t.shape.slice(1));
      const bytes = (from - window.start) * per * bytesPerElement(t.dtype);
      typed(t.dtype, this.#buffer!, at + bytes, (end - from) * per).set(
        t.data.subarray(from * per, end * per),
      );
    });
    this.#filled = end;
  }
}
