import { type DType, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { NO_SHAPE_CONTEXT, normalizeAxis } from "./_util.ts";
import type { OperationOptions } from "./not_equal.ts";

/** Options of {@linkcode Any}. */
export interface AnyOptions extends OperationOptions {
  /** Axis or axes to reduce (negative counts from the end); `null` reduces all (default). */
  axis?: number | readonly number[] | null;
  /** Keep the reduced axes with size 1 (default false). */
  keepdims?: boolean;
}

/**
 * Keras's `Any` operation (`keras.src.ops.numpy`): whether any element is true (non-zero) along
 * `axis`, a bool tensor. Keras 3 writes it into Functional configs for `Masking`'s mask.
 *
 * @example
 * ```ts
 * import { Any } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new Any({ axis: -1 }).apply(tensor([[0, 1], [0, 0]])); // [1, 0]
 * ```
 */
export class Any extends Layer {
  /** Python module Keras serializes the operation under. */
  static override readonly module: string = "keras.src.ops.numpy";
  /** Keras class name. */
  static override readonly className: string = "Any";
  /** Axis or axes reduced, or null for all. */
  readonly axis: number | readonly number[] | null;
  /** Whether reduced axes are kept with size 1. */
  readonly keepdims: boolean;

  /** Creates the operation. */
  constructor(options: AnyOptions = {}) {
    super({ name: options.name });
    const axis = options.axis ?? null;
    const list = axis === null ? [] : typeof axis === "number" ? [axis] : axis;
    if (list.some((a) => !Number.isInteger(a))) {
      throw new TypeError(
        `Any "${this.name}": axis must be an integer, a list of integers or null, received ${
          JSON.stringify(axis)
        }`,
      );
    }
    this.axis = axis === null || typeof axis === "number" ? axis : [...axis];
    this.keepdims = options.keepdims ?? false;
    this.built = true;
  }

  #reduced(rank: number): boolean[] {
    const flags = new Array<boolean>(rank).fill(this.axis === null);
    if (this.axis === null) return flags;
    const list = typeof this.axis === "number" ? [this.axis] : this.axis;
    for (const a of list) flags[normalizeAxis(a, rank, `Any "${this.name}"`)] = true;
    return flags;
  }

  /** The input shape without (or with size 1 at) the reduced axes. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const shape = inputShapes[0];
    const flags = this.#reduced(shape.length);
    const out: (number | null)[] = [];
    shape.forEach((d, i) => {
      if (!flags[i]) out.push(d);
      else if (this.keepdims) out.push(1);
    });
    return [out];
  }

  /** Always bool. */
  override outputDtypes(_inputDtypes: readonly DType[]): DType[] {
    return ["bool"];
  }

  /** The `any` reduction. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = inputs[0];
    const flags = this.#reduced(x.rank);
    const [outShape] = this.computeOutputShape([x.shape], NO_SHAPE_CONTEXT) as number[][];
    // Stride of each input axis in the output (0 for reduced axes).
    const strides = new Array<number>(x.rank).fill(0);
    let s = 1;
    for (let d = x.rank - 1; d >= 0; d--) {
      if (flags[d]) continue;
      strides[d] = s;
      s *= x.shape[d];
    }
    const out = new Uint8Array(s);
    const pos = new Array<number>(x.rank).fill(0);
    let o = 0;
    for (let i = 0; i < x.size; i++) {
      if (x.data[i] !== 0) out[o] = 1;
      for (let d = x.rank - 1; d >= 0; d--) {
        pos[d]++;
        o += strides[d];
        if (pos[d] < x.shape[d]) break;
        o -= strides[d] * pos[d];
        pos[d] = 0;
      }
    }
    return [new Tensor(out, outShape)];
  }

  /** Keras config: `{name, axis, keepdims}`. */
  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      axis: this.axis === null || typeof this.axis === "number" ? this.axis : [...this.axis],
      keepdims: this.keepdims,
    };
  }

  /** Operations have no build config. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Builds the operation from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): Any {
    const r = new ConfigReader("Any", config, options);
    const axis = r.raw("axis");
    if (
      axis !== undefined && axis !== null && typeof axis !== "number" && !Array.isArray(axis)
    ) {
      throw new TypeError(
        `Any "${r.layerName}", config key "axis": expected an integer, a list or null, received ${
          JSON.stringify(axis)
        }`,
      );
    }
    const op = new Any({
      name: r.baseOptions().name,
      axis: (axis as number | number[] | null | undefined) ?? null,
      keepdims: r.boolean("keepdims", false),
    });
    r.done();
    return op;
  }
}

registerLayer("Any", (config, options) => Any.fromConfig(config, options));
