/**
 * The file side of a streaming `kerno predict`: input `.npy` files checked against the model
 * and read a window of rows at a time (every input in step), and outputs appended to `.npy`
 * files written under temporary names (or gathered for one `.npz`).
 *
 * @module
 */
import type { PoolTensorSpec } from "@kerno/executor";
import { NpyFileReader, NpyFileWriter, PartialFile, writeNpz } from "@kerno/io";
import { concat, type DType, formatShape, Tensor, type TensorData } from "@kerno/tensor";
import { castTo } from "./_io.ts";
import type { RowSlice } from "./_slice.ts";

/** Input files opened (headers read) and checked against the model's inputs. */
export interface InputFiles extends Disposable {
  /** One reader per model input. */
  readonly readers: readonly NpyFileReader[];
  /** Rows of every input. */
  readonly rows: number;
}

/**
 * Opens `paths` and checks each against the model input it feeds (rank, known dimensions) and
 * their common row count, before any row is read. Errors read like the pool's.
 */
export async function openInputs(
  paths: readonly string[],
  specs: readonly PoolTensorSpec[],
  names: readonly string[],
  modelName: string,
): Promise<InputFiles> {
  const readers: NpyFileReader[] = [];
  const files: InputFiles = {
    readers,
    rows: 0,
    [Symbol.dispose]() {
      for (const r of readers) r.close();
    },
  };
  try {
    for (const [i, path] of paths.entries()) {
      const r = await NpyFileReader.open(path);
      readers.push(r);
      const spec = specs[i];
      const where = `Input ${i} ("${names[i]}") of model "${modelName}"`;
      const bad = r.shape.length !== spec.shape.length ||
        spec.shape.some((d, j) => d !== null && d !== r.shape[j]);
      if (bad) {
        throw new TypeError(
          `${where} is incompatible: expected shape ${formatShape(spec.shape)}, ` +
            `received shape ${formatShape(r.shape)} (${path})`,
        );
      }
      if (i > 0 && r.rows !== readers[0].rows) {
        throw new TypeError(
          `${where} has ${r.rows} rows (${path}), but input 0 has ${readers[0].rows} ` +
            `(${paths[0]}): all inputs need the same number of rows`,
        );
      }
    }
  } catch (e) {
    files[Symbol.dispose]();
    throw e;
  }
  return { ...files, rows: readers[0]?.rows ?? 0 };
}

function allocateShared(dtype: DType, n: number): TensorData {
  const buffer = new SharedArrayBuffer(n * (dtype === "bool" ? 1 : 4));
  return dtype === "float32"
    ? new Float32Array(buffer)
    : dtype === "int32"
    ? new Int32Array(buffer)
    : new Uint8Array(buffer);
}

/**
 * Reads `slice` of every input in windows of `windowRows` rows, all inputs in step, as the
 * dtypes the model expects. Inputs whose file already has that dtype are read straight into
 * `ring` shared buffers that are reused in turn (window `k` overwrites window `k - ring`), so
 * memory stays at `ring` windows however many rows there are; the consumer must be done with a
 * window before asking for the one `ring` later ({@linkcode WorkerPool.predictBatches} with
 * `inFlight <= ring` is).
 */
export async function* readWindows(
  files: InputFiles,
  dtypes: readonly DType[],
  slice: RowSlice,
  windowRows: number,
  ring: number,
): AsyncGenerator<Tensor[], void, undefined> {
  const buffers = files.readers.map((r, i) => {
    if (r.dtype !== dtypes[i]) return null;
    const perRow = r.shape.slice(1).reduce((a, b) => a * b, 1);
    const n = Math.min(windowRows, slice.end - slice.start) * perRow;
    return Array.from({ length: ring }, () => allocateShared(dtypes[i], n));
  });
  for (let start = slice.start, k = 0; start < slice.end; start += windowRows, k++) {
    const end = Math.min(slice.end, start + windowRows);
    yield await Promise.all(files.readers.map(async (r, i) => {
      const into = buffers[i]?.[k % ring];
      const t = await r.read(start, end, into);
      return into ? t : castTo(t, dtypes[i], `${r.path} rows ${start}:${end}`);
    }));
  }
}

/** Where predicted windows go. */
export interface OutputSink {
  /** Appends one window of outputs (one tensor per flat model output). */
  add(ys: readonly Tensor[]): Promise<void>;
  /** Puts the complete outputs in place. */
  commit(): Promise<void>;
  /** Removes what was written; the output paths keep what they held. */
  abort(): Promise<void>;
}

function rowShapeOf(spec: PoolTensorSpec): number[] | null {
  const rest = spec.shape.slice(1);
  return rest.every((d) => d !== null) ? (rest as number[]) : null;
}

/**
 * One `.npy` per flat output, streamed: each file's header is written as soon as its shape is
 * known (at once from the model, or from the first window when the model leaves a dimension
 * open), then every window is appended, under a temporary name until {@linkcode OutputSink.commit}.
 */
export class NpyOutputs implements OutputSink {
  #paths: readonly string[];
  #specs: readonly PoolTensorSpec[];
  #rows: number;
  #writers: (NpyFileWriter | null)[];

  private constructor(paths: readonly string[], specs: readonly PoolTensorSpec[], rows: number) {
    this.#paths = paths;
    this.#specs = specs;
    this.#rows = rows;
    this.#writers = paths.map(() => null);
  }

  /**
   * Creates the temporary files whose shapes the model fixes. With `rows` 0 every shape must
   * be known (there is no window to learn it from): else a `TypeError` names the output.
   */
  static async create(
    paths: readonly string[],
    specs: readonly PoolTensorSpec[],
    names: readonly string[],
    rows: number,
  ): Promise<NpyOutputs> {
    const out = new NpyOutputs(paths, specs, rows);
    try {
      for (const [i, spec] of specs.entries()) {
        const rowShape = rowShapeOf(spec);
        if (rowShape) await out.#open(i, spec.dtype, rowShape);
        else if (rows === 0) {
          throw new TypeError(
            `output ${i} ("${names[i]}") has shape ${formatShape(spec.shape)}: ` +
              `its size is only known from data, and the slice has no rows`,
          );
        }
      }
    } catch (e) {
      await out.abort();
      throw e;
    }
    return out;
  }

  async #open(i: number, dtype: DType, rowShape: readonly number[]): Promise<NpyFileWriter> {
    const w = await NpyFileWriter.create(this.#paths[i], dtype, [this.#rows, ...rowShape]);
    this.#writers[i] = w;
    return w;
  }

  /** Appends a window's outputs, creating the files still waiting for their shape. */
  async add(ys: readonly Tensor[]): Promise<void> {
    for (const [i, y] of ys.entries()) {
      const w = this.#writers[i] ?? await this.#open(i, y.dtype, y.shape.slice(1));
      await w.append(y);
    }
  }

  /** Renames every file into place. */
  async commit(): Promise<void> {
    for (const w of this.#writers) await w!.commit();
  }

  /** Removes the temporary files. */
  async abort(): Promise<void> {
    for (const w of this.#writers) await w?.abort();
  }
}

/** All outputs in one `.npz`, which is written as a whole: the outputs are kept in memory. */
export class NpzOutput implements OutputSink {
  #path: string;
  #names: readonly string[];
  #specs: readonly PoolTensorSpec[];
  #windows: Tensor[][] = [];
  #file: PartialFile | null = null;

  /** Gathers the outputs `specs` for `path`, stored under `names` (unique). */
  constructor(path: string, names: readonly string[], specs: readonly PoolTensorSpec[]) {
    this.#path = path;
    this.#names = names;
    this.#specs = specs;
  }

  /** Keeps a window's outputs. */
  add(ys: readonly Tensor[]): Promise<void> {
    this.#windows.push([...ys]);
    return Promise.resolve();
  }

  /** Writes the archive (temporary name, then rename). */
  async commit(): Promise<void> {
    const arrays: Record<string, Tensor> = {};
    this.#names.forEach((name, i) => {
      const parts = this.#windows.map((w) => w[i]);
      const rowShape = rowShapeOf(this.#specs[i]);
      if (parts.length === 0 && !rowShape) {
        throw new TypeError(
          `output ${i} ("${name}") has shape ${formatShape(this.#specs[i].shape)}: ` +
            `its size is only known from data, and the slice has no rows`,
        );
      }
      arrays[name] = parts.length === 0
        ? Tensor.zeros([0, ...rowShape!], this.#specs[i].dtype)
        : parts.length === 1
        ? parts[0]
        : concat(parts, 0);
    });
    this.#windows = [];
    this.#file = await PartialFile.create(this.#path);
    await this.#file.write(writeNpz(arrays));
    await this.#file.commit();
  }

  /** Drops the outputs and any temporary file. */
  async abort(): Promise<void> {
    this.#windows = [];
    await this.#file?.abort();
  }
}

/** Keys for an `.npz` of outputs named `names`: repeated names get `_1`, `_2`… */
export function uniqueKeys(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let key = name;
    for (let i = 1; taken.has(key); i++) key = `${name}_${i}`;
    taken.add(key);
    return key;
  });
}
