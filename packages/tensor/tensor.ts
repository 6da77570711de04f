/** The element types a {@linkcode Tensor} can hold. `bool` is used for masks (0 or 1 bytes). */
export type DType = "float32" | "int32" | "bool";

/** A float32 array over any buffer, `SharedArrayBuffer` included. Kernels take this type. */
export type F32 = Float32Array<ArrayBufferLike>;

/** The typed array behind each {@linkcode DType}. */
export type TensorData =
  | Float32Array<ArrayBufferLike>
  | Int32Array<ArrayBufferLike>
  | Uint8Array<ArrayBufferLike>;

/** Nested JavaScript arrays of numbers, as accepted by {@linkcode tensor} and returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/** Checks that every dimension is a non-negative integer; returns the element count. */
export function shapeSize(shape: readonly number[], what = "shape"): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(
        `Invalid ${what} [${
          shape.join(", ")
        }]: dimension ${i} must be a non-negative integer, received ${d}`,
      );
    }
    size *= d;
  }
  return size;
}

/** Formats a shape as Keras prints it: `(None, 5, 3)`. `null` stands for an unknown dimension. */
export function formatShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? "None" : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

function allocate(dtype: DType, size: number): TensorData {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

function dtypeOf(data: TensorData): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  return "bool";
}

/**
 * A dense, row-major n-dimensional array of float32, int32 or bool values.
 *
 * The shape is fixed and read-only; `data` is the flat typed array in C order and may view a
 * `SharedArrayBuffer`.
 *
 * @example Build a tensor and read it back
 * ```ts
 * import { Tensor } from "@kerno/tensor";
 * const t = new Tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
 * t.toArray(); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export class Tensor {
  /** Element type. */
  readonly dtype: DType;
  /** Dimensions, outermost first. */
  readonly shape: readonly number[];
  /** Flat row-major values. */
  readonly data: TensorData;

  /**
   * Wraps `data` (not copied) with `shape`. Throws a `RangeError` when the shape is invalid or
   * does not match the data length.
   */
  constructor(data: TensorData, shape: readonly number[]) {
    const size = shapeSize(shape);
    if (size !== data.length) {
      throw new RangeError(
        `Shape [${shape.join(", ")}] needs ${size} values, but the data has ${data.length}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
  }

  /** A tensor of zeros. */
  static zeros(shape: readonly number[], dtype: DType = "float32"): Tensor {
    return new Tensor(allocate(dtype, shapeSize(shape)), shape);
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The float32 data; throws a `TypeError` when the tensor holds another dtype. */
  get f32(): F32 {
    if (!(this.data instanceof Float32Array)) {
      throw new TypeError(`Expected a float32 tensor, received ${this.dtype}`);
    }
    return this.data;
  }

  /** The same data seen with another shape of the same size (no copy). */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, shape);
  }

  /** A deep copy, with its own buffer. */
  clone(): Tensor {
    return new Tensor(this.data.slice() as TensorData, this.shape);
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { shape, data } = this;
    if (shape.length === 0) return data[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = shape[dim];
      const out: NestedArray[] = new Array(n);
      if (dim === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = data[offset + i];
        return out;
      }
      let stride = 1;
      for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
      for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** A short description: `Tensor(float32, [2, 3])`. */
  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(", ")}])`;
  }
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  return shape;
}

function flattenInto(
  values: NestedArray,
  shape: number[],
  dim: number,
  out: number[],
  path: number[],
): void {
  if (dim === shape.length) {
    if (typeof values !== "number") {
      throw new TypeError(
        `Ragged nested array: expected a number at index [${path.join("][")}], received ${
          Array.isArray(values) ? `an array of length ${values.length}` : typeof values
        }`,
      );
    }
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new TypeError(
      `Ragged nested array: expected ${shape[dim]} elements at index [${path.join("][")}] (shape [${
        shape.join(", ")
      }]), received ${Array.isArray(values) ? `${values.length} elements` : typeof values}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    path.push(i);
    flattenInto(values[i], shape, dim + 1, out, path);
    path.pop();
  }
}

/**
 * Builds a {@linkcode Tensor} from nested arrays, or from flat values and a shape.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * const a = tensor([[0.1], [0.2], [0.3]]);         // shape [3, 1]
 * const b = tensor([0.1, 0.2, 0.3], [1, 3, 1]);   // flat values + shape
 * const ids = tensor([[1, 2, 0]], undefined, "int32");
 * ```
 */
export function tensor(
  values: NestedArray | ArrayLike<number>,
  shape?: readonly number[],
  dtype: DType = "float32",
): Tensor {
  let flat: ArrayLike<number>;
  let finalShape: readonly number[];
  if (typeof values === "number") {
    flat = [values];
    finalShape = shape ?? [];
  } else if (Array.isArray(values) && (shape === undefined || values.some(Array.isArray))) {
    const inferred = inferShape(values);
    const out: number[] = [];
    flattenInto(values, inferred, 0, out, []);
    flat = out;
    finalShape = shape ?? inferred;
  } else {
    flat = values as ArrayLike<number>;
    finalShape = shape ?? [flat.length];
  }
  const size = shapeSize(finalShape);
  if (size !== flat.length) {
    throw new RangeError(
      `Shape [${finalShape.join(", ")}] needs ${size} values, but ${flat.length} were given`,
    );
  }
  const data = allocate(dtype, size);
  for (let i = 0; i < size; i++) data[i] = flat[i];
  return new Tensor(data, finalShape);
}
