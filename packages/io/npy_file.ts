/**
 * `.npy` files larger than memory: {@linkcode NpyFileReader} reads a range of rows with a
 * positioned read, {@linkcode NpyFileWriter} writes the header first and appends rows under a
 * temporary name, and {@linkcode joinNpyFiles} concatenates files along their first axis.
 *
 * @module
 */
import { type DType, Tensor, type TensorData } from "@kerno/tensor";
import {
  allocateData,
  decodeNpyData,
  npyHeaderBytes,
  type NpyLayout,
  npyLayout,
  parseNpyHeader,
} from "./_npy_format.ts";
import { PartialFile } from "./partial_file.ts";

/** Reads `into.length` bytes at `position`, or throws a `RangeError` when the file ends first. */
async function readAt(
  file: Deno.FsFile,
  position: number,
  into: Uint8Array,
  label: string,
): Promise<void> {
  await file.seek(position, Deno.SeekMode.Start);
  for (let off = 0; off < into.length;) {
    const n = await file.read(into.subarray(off));
    if (n === null) {
      throw new RangeError(
        `${label}: the file ended at byte ${position + off}, expected ${into.length - off} more`,
      );
    }
    off += n;
  }
}

function formatDims(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/**
 * A `.npy` file opened for reading rows (the first axis) a range at a time: only the header is
 * read on {@linkcode NpyFileReader.open}; {@linkcode NpyFileReader.read} reads the rows asked
 * for with one positioned read. Dtypes convert as {@linkcode readNpy} converts them.
 *
 * @example
 * ```ts ignore
 * using x = await NpyFileReader.open("x.npy"); // shape (10000000, 50, 32)
 * const window = await x.read(0, 4096); // Tensor (4096, 50, 32)
 * ```
 */
export class NpyFileReader implements Disposable {
  /** The file's path, as given. */
  readonly path: string;
  #file: Deno.FsFile;
  #layout: NpyLayout;
  #rowElements: number;
  #scratch: Uint8Array | null = null;

  private constructor(path: string, file: Deno.FsFile, layout: NpyLayout) {
    this.path = path;
    this.#file = file;
    this.#layout = layout;
    this.#rowElements = layout.shape.slice(1).reduce((a, b) => a * b, 1);
  }

  /**
   * Opens `path` and reads its header. Throws what {@linkcode readNpy} throws for a header it
   * refuses, a `RangeError` for a file shorter than its header says, and a `TypeError` for a
   * 0-d array (it has no rows).
   */
  static async open(path: string): Promise<NpyFileReader> {
    const file = await Deno.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      const start = new Uint8Array(Math.min(12, size));
      await readAt(file, 0, start, path);
      let headerEnd = start.length;
      if (start.length >= 10 && start[6] === 1) {
        headerEnd = 10 + new DataView(start.buffer).getUint16(8, true);
      } else if (start.length >= 12 && (start[6] === 2 || start[6] === 3)) {
        headerEnd = 12 + new DataView(start.buffer).getUint32(8, true);
      }
      const head = new Uint8Array(Math.min(headerEnd, size));
      await readAt(file, 0, head, path);
      const header = parseNpyHeader(head, path);
      const layout = npyLayout(header, path);
      if (layout.shape.length === 0) {
        throw new TypeError(`${path}: a 0-d array has no rows (expected shape (rows, ...))`);
      }
      const need = layout.dataAt + layout.size * layout.itemSize;
      if (size < need) {
        throw new RangeError(
          `${path}: truncated .npy file: shape (${
            layout.shape.join(", ")
          }) of ${layout.descr} needs ${need} bytes, the file has ${size}`,
        );
      }
      return new NpyFileReader(path, file, layout);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** The array's shape. */
  get shape(): readonly number[] {
    return this.#layout.shape;
  }

  /** Rows (the first dimension). */
  get rows(): number {
    return this.#layout.shape[0];
  }

  /** The dtype rows are read as (`float32` for float64 and float16 files, `int32` for integers). */
  get dtype(): DType {
    return this.#layout.dtype;
  }

  /** The dtype as the file spells it (`<f4`, `<i8`…). */
  get descr(): string {
    return this.#layout.descr;
  }

  /** Bytes of one row in the file. */
  get rowBytes(): number {
    return this.#rowElements * this.#layout.itemSize;
  }

  /**
   * Reads rows `[start, end)` as a tensor of shape `(end - start, ...shape.slice(1))`. With
   * `into` (a typed array of {@linkcode NpyFileReader.dtype} with room for the rows, e.g. over
   * a `SharedArrayBuffer` reused from window to window), the data lands there, else in a new
   * array. Throws a `RangeError` for rows outside the file.
   */
  async read(start: number, end: number, into?: TensorData): Promise<Tensor> {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end)) {
      throw new RangeError(`${this.path}: bad row range ${start}:${end}`);
    }
    if (end > this.rows) {
      throw new RangeError(
        `${this.path}: rows ${start}:${end} asked for, the file has ${this.rows} rows`,
      );
    }
    const n = (end - start) * this.#rowElements;
    if (into && (into.length < n || dtypeOf(into) !== this.dtype)) {
      throw new RangeError(
        `${this.path}: the target array cannot hold ${n} ${this.dtype} elements ` +
          `(it holds ${into.length} ${dtypeOf(into)})`,
      );
    }
    const out = into ? into.subarray(0, n) : allocateData(this.dtype, n);
    const layout = this.#layout;
    const bytes = n * layout.itemSize;
    const position = layout.dataAt + start * this.#rowElements * layout.itemSize;
    if (layout.kind === "f4" || layout.kind === "i4" || layout.kind === "b1") {
      await readAt(
        this.#file,
        position,
        new Uint8Array(out.buffer, out.byteOffset, bytes),
        this.path,
      );
    } else {
      if (!this.#scratch || this.#scratch.length < bytes) this.#scratch = new Uint8Array(bytes);
      const raw = this.#scratch.subarray(0, bytes);
      await readAt(this.#file, position, raw, this.path);
      decodeNpyData(layout, raw, out, this.path, start * this.#rowElements);
    }
    return new Tensor(out, [end - start, ...layout.shape.slice(1)]);
  }

  /** Reads the raw bytes of rows `[start, end)` into the start of `into` (for copying files). */
  async readRawRows(start: number, end: number, into: Uint8Array): Promise<Uint8Array> {
    const raw = into.subarray(0, (end - start) * this.rowBytes);
    await readAt(this.#file, this.#layout.dataAt + start * this.rowBytes, raw, this.path);
    return raw;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }

  /** Same as {@linkcode NpyFileReader.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function dtypeOf(data: TensorData): DType {
  return data instanceof Float32Array ? "float32" : data instanceof Int32Array ? "int32" : "bool";
}

/**
 * A `.npy` file written row block by row block without holding it in memory: the header (for
 * the final shape) is written at once, rows are appended in order, and the file appears at
 * `path` only on {@linkcode NpyFileWriter.commit}, when every row is there. Until then it lives
 * under a temporary name beside `path` (see {@linkcode PartialFile}).
 *
 * @example
 * ```ts ignore
 * const y = await NpyFileWriter.create("y.npy", "float32", [10000000, 128]);
 * try {
 *   for await (const block of blocks) await y.append(block); // (n, 128) each
 *   await y.commit();
 * } catch (e) {
 *   await y.abort();
 *   throw e;
 * }
 * ```
 */
export class NpyFileWriter {
  /** The final path. */
  readonly path: string;
  /** The dtype of the array. */
  readonly dtype: DType;
  /** The array's full shape. */
  readonly shape: readonly number[];
  #file: PartialFile;
  #rowsWritten = 0;

  private constructor(file: PartialFile, dtype: DType, shape: readonly number[]) {
    this.path = file.path;
    this.#file = file;
    this.dtype = dtype;
    this.shape = [...shape];
  }

  /** Creates the temporary file for `path` and writes the header of `shape` (rows first). */
  static async create(
    path: string,
    dtype: DType,
    shape: readonly number[],
  ): Promise<NpyFileWriter> {
    if (shape.length === 0 || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new RangeError(`${path}: bad .npy shape ${formatDims(shape)} (expected (rows, ...))`);
    }
    const file = await PartialFile.create(path);
    try {
      await file.write(npyHeaderBytes(dtype, shape));
    } catch (e) {
      await file.abort();
      throw e;
    }
    return new NpyFileWriter(file, dtype, shape);
  }

  /** Rows appended so far. */
  get rowsWritten(): number {
    return this.#rowsWritten;
  }

  /**
   * Appends the rows of `t` (same dtype, same shape after the first axis). Throws a `TypeError`
   * for another dtype or row shape and a `RangeError` past the declared row count.
   */
  async append(t: Tensor): Promise<void> {
    const rowShape = this.shape.slice(1);
    if (
      t.dtype !== this.dtype || t.rank !== this.shape.length ||
      rowShape.some((d, i) => t.shape[i + 1] !== d)
    ) {
      throw new TypeError(
        `${this.path}: expected rows of shape ${formatDims(rowShape)} and dtype ${this.dtype}, ` +
          `received a block of shape ${formatDims(t.shape)} and dtype ${t.dtype}`,
      );
    }
    const rows = t.shape[0];
    if (this.#rowsWritten + rows > this.shape[0]) {
      throw new RangeError(
        `${this.path}: ${this.#rowsWritten + rows} rows appended, the header says ${this.shape[0]}`,
      );
    }
    await this.#file.write(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    this.#rowsWritten += rows;
  }

  /**
   * Renames the file into place. Throws (and leaves `path` as it was) when fewer rows than
   * the header declares were appended.
   */
  async commit(): Promise<void> {
    if (this.#rowsWritten !== this.shape[0]) {
      throw new RangeError(
        `${this.path}: only ${this.#rowsWritten} of ${this.shape[0]} rows were written`,
      );
    }
    await this.#file.commit();
  }

  /** Removes the temporary file; `path` keeps what it held. */
  abort(): Promise<void> {
    return this.#file.abort();
  }
}

/** Options of {@linkcode joinNpyFiles}. */
export interface JoinOptions {
  /** Bytes copied per read (default 16 MiB). */
  chunkBytes?: number;
  /** Called after each chunk with the rows copied so far and the total. */
  onProgress?: (rowsDone: number, rowsTotal: number) => void;
}

/**
 * Concatenates `.npy` files along their first axis into `output`, as
 * `np.concatenate([np.load(p) for p in paths])` does, streaming a chunk at a time. Every part
 * must have the same dtype (as spelled in the file) and the same shape after the first axis;
 * otherwise a `TypeError` names the first part that differs, before `output` is created. The
 * data is copied byte for byte, and `output` appears only once complete. Resolves with the
 * joined shape.
 *
 * @example
 * ```ts ignore
 * await joinNpyFiles(["y.0.npy", "y.1.npy", "y.2.npy"], "y.npy"); // [rows0 + rows1 + rows2, 128]
 * ```
 */
export async function joinNpyFiles(
  paths: readonly string[],
  output: string,
  options: JoinOptions = {},
): Promise<number[]> {
  if (paths.length === 0) throw new RangeError("joinNpyFiles needs at least one input file");
  const parts: NpyFileReader[] = [];
  try {
    for (const p of paths) parts.push(await NpyFileReader.open(p));
    const first = parts[0];
    const rowShape = first.shape.slice(1);
    for (const part of parts.slice(1)) {
      const same = part.descr === first.descr && part.shape.length === first.shape.length &&
        rowShape.every((d, i) => part.shape[i + 1] === d);
      if (!same) {
        throw new TypeError(
          `${part.path}: shape ${formatDims(part.shape)} of ${part.descr} cannot follow ` +
            `${first.path}'s ${formatDims(first.shape)} of ${first.descr} ` +
            `(the dtype and every dimension after the first must match)`,
        );
      }
    }
    const total = parts.reduce((n, p) => n + p.rows, 0);
    const shape = [total, ...rowShape];
    const rowBytes = Math.max(1, first.rowBytes);
    const chunkRows = Math.max(1, Math.floor((options.chunkBytes ?? 16 * 2 ** 20) / rowBytes));
    const buffer = new Uint8Array(Math.min(chunkRows, Math.max(1, total)) * rowBytes);
    const out = await PartialFile.create(output);
    try {
      await out.write(npyHeaderBytes({ descr: first.descr }, shape));
      let done = 0;
      for (const part of parts) {
        for (let r = 0; r < part.rows; r += chunkRows) {
          const end = Math.min(part.rows, r + chunkRows);
          await out.write(await part.readRawRows(r, end, buffer));
          done += end - r;
          options.onProgress?.(done, total);
        }
      }
      await out.commit();
    } catch (e) {
      await out.abort();
      throw e;
    }
    return shape;
  } finally {
    for (const p of parts) p.close();
  }
}
