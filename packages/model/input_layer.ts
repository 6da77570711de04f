import type { DType, Tensor } from "@kerno/tensor";
import {
  type CallContext,
  ConfigReader,
  type DeserializeOptions,
  Layer,
  Node,
  registerLayer,
  type Shape,
  shapeToString,
  SymbolicTensor,
} from "@kerno/layers";

/** Options of {@linkcode Input} and {@linkcode InputLayer}. */
export interface InputOptions {
  /** Shape of one sample, without the batch dimension; `null` for any length. */
  shape?: Shape;
  /** Fixed batch size (needed by stateful layers); unknown when left out. */
  batchSize?: number | null;
  /** Full shape, batch first (instead of `shape` + `batchSize`). */
  batchShape?: Shape;
  /** Element type of the input: `float32` (default), `int32` (token ids) or `bool`. */
  dtype?: DType;
  /** Layer name; `input_layer`, `input_layer_1`, … when left out. */
  name?: string;
}

/** Largest size of one dimension (a tensor holds at most 2^31 - 1 values along an axis). */
const MAX_DIMENSION = 2 ** 31 - 1;

function checkShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape)) {
    throw new TypeError(`Input: ${what} must be a list of dimensions, received ${String(shape)}`);
  }
  shape.forEach((d, i) => {
    if (d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
      throw new TypeError(
        `Input: dimension ${i} of ${what} must be a non-negative integer or null, received ${
          JSON.stringify(d)
        }`,
      );
    }
    if (d !== null && d > MAX_DIMENSION) {
      throw new RangeError(
        `Input: dimension ${i} of ${what} is ${d}, more than the ${MAX_DIMENSION} one dimension may have`,
      );
    }
  });
}

function resolveBatchShape(options: InputOptions): Shape {
  if (options.shape !== undefined && options.batchShape !== undefined) {
    throw new TypeError(
      "Input: you cannot pass both `shape` and `batchShape` at the same time " +
        `(shape ${shapeToString(options.shape)}, batchShape ${shapeToString(options.batchShape)})`,
    );
  }
  if (options.batchShape !== undefined) {
    checkShape(options.batchShape, "batchShape");
    if (options.batchShape.length === 0) {
      throw new TypeError("Input: batchShape needs at least the batch dimension, received ()");
    }
    return [...options.batchShape];
  }
  if (options.shape === undefined) {
    throw new TypeError("Input: you must pass a `shape` argument (the shape of one sample)");
  }
  checkShape(options.shape, "shape");
  const batch = options.batchSize ?? null;
  if (batch !== null && (!Number.isInteger(batch) || batch <= 0)) {
    throw new RangeError(`Input: batchSize must be a positive integer, received ${batch}`);
  }
  return [batch, ...options.shape];
}

/**
 * The layer behind {@linkcode Input}: a model entry point with a known shape and dtype (Keras's
 * `InputLayer`). Creating one creates its symbolic output tensor, {@linkcode InputLayer.output}.
 *
 * @example
 * ```ts
 * import { InputLayer } from "@kerno/model";
 * const layer = new InputLayer({ shape: [5, 3] });
 * layer.output.shape; // [null, 5, 3]
 * ```
 */
export class InputLayer extends Layer {
  /** Keras class name. */
  static override readonly className: string = "InputLayer";

  /** Full input shape, batch first (`null` where unknown). */
  readonly batchShape: Shape;
  /** Element type of the input. */
  readonly dtype: DType;
  /** The symbolic tensor this layer produces. */
  readonly output: SymbolicTensor;

  /** Creates the layer and its output tensor. */
  constructor(options: InputOptions) {
    super({ name: options.name });
    this.batchShape = Object.freeze(resolveBatchShape(options));
    const dtype = options.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") {
      throw new TypeError(
        `Input "${this.name}": dtype must be float32, int32 or bool, received ${String(dtype)}`,
      );
    }
    this.dtype = dtype;
    const node = new Node(this, {
      inputs: [],
      inputsAsList: false,
      initialState: null,
      mask: undefined,
      extraArgs: [],
      kwargs: {},
    });
    this.output = new SymbolicTensor(this.batchShape, dtype, node, 0, false);
    node.outputs = [this.output];
    this.built = true;
  }

  /** The batch shape, whatever the inputs. */
  computeOutputShape(): Shape[] {
    return [this.batchShape];
  }

  /** Passes the input through. */
  call(inputs: readonly Tensor[], _context?: CallContext): Tensor[] {
    return [...inputs];
  }

  /** The input's dtype. */
  override outputDtypes(): DType[] {
    return [this.dtype];
  }

  /** Keras 3 config: `{batch_shape, dtype, sparse, ragged, name, optional}`. */
  override getConfig(): Record<string, unknown> {
    return {
      batch_shape: [...this.batchShape],
      dtype: this.dtype,
      sparse: false,
      ragged: false,
      name: this.name,
      optional: false,
    };
  }

  /** An InputLayer has no `build_config`. */
  override getBuildConfig(): undefined {
    return undefined;
  }
}

/**
 * A symbolic model input of the given shape (batch dimension left out), as `keras.Input`.
 *
 * @example
 * ```ts
 * import { Input } from "@kerno/model";
 * const x = Input({ shape: [null, 3] });        // any number of timesteps, 3 features
 * const ids = Input({ shape: [6], dtype: "int32" });
 * x.shape; // [null, null, 3]
 * ```
 */
export function Input(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).output;
}

const FLOAT_DTYPES = new Set(["float32", "float16", "bfloat16", "float64"]);
const INT_DTYPES = new Set(["int32", "int64", "int16", "int8", "uint8", "uint16", "uint32"]);

function readDtype(r: ConfigReader, options: DeserializeOptions): DType {
  const raw = r.raw("dtype");
  const name = raw === undefined || raw === null
    ? "float32"
    : typeof raw === "string"
    ? raw
    : (raw as { config?: { name?: unknown } }).config?.name;
  if (name === "float32" || name === "int32" || name === "bool") return name;
  if (typeof name === "string" && (FLOAT_DTYPES.has(name) || INT_DTYPES.has(name))) {
    const mapped: DType = FLOAT_DTYPES.has(name) ? "float32" : "int32";
    options.notes?.push(`InputLayer "${r.layerName}": dtype ${name} read as ${mapped}`);
    return mapped;
  }
  throw new TypeError(
    `InputLayer "${r.layerName}", config key "dtype": unsupported dtype ${JSON.stringify(raw)}`,
  );
}

function refuseTrue(r: ConfigReader, key: string, why: string): void {
  const v = r.raw(key);
  if (v !== undefined && v !== null && v !== false) {
    throw new TypeError(
      `InputLayer "${r.layerName}": ${key}=${JSON.stringify(v)} is not supported (${why})`,
    );
  }
}

/** Builds an {@linkcode InputLayer} from a Keras 3 or Keras 2 config. */
export function inputLayerFromConfig(
  config: Record<string, unknown>,
  options: DeserializeOptions = {},
): InputLayer {
  const r = new ConfigReader("InputLayer", config, options);
  const batchShape = (r.raw("batch_shape") ?? r.raw("batch_input_shape")) as Shape | undefined;
  const shape = r.raw("shape") as Shape | undefined | null;
  const batchSize = r.raw("batch_size") as number | null | undefined;
  const dtype = readDtype(r, options);
  refuseTrue(r, "sparse", "Kerno has no sparse tensors");
  refuseTrue(r, "ragged", "Kerno has no ragged tensors");
  refuseTrue(r, "optional", "every model input must be given");
  if (r.raw("input_tensor") != null) {
    throw new TypeError(`InputLayer "${r.layerName}": input_tensor is not supported`);
  }
  r.trainingOnly("trainable");
  const name = typeof config.name === "string" ? config.name : undefined;
  r.done();
  if (batchShape != null) return new InputLayer({ batchShape, dtype, name });
  if (shape != null) return new InputLayer({ shape, batchSize: batchSize ?? null, dtype, name });
  throw new TypeError(`InputLayer "${r.layerName}": the config has no batch_shape`);
}

registerLayer("InputLayer", inputLayerFromConfig);
