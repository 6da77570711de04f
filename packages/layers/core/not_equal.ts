import { type DType, Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import { type Shape, shapeToString } from "../shape.ts";
import { broadcastIndex } from "./_broadcast.ts";
import { NO_SHAPE_CONTEXT } from "./_util.ts";

/** Options of the operation layers: only a name. */
export interface OperationOptions {
  /** Node name in the graph (default `not_equal`, `any`, …). */
  name?: string;
}

/**
 * Keras's `NotEqual` operation (`keras.src.ops.numpy`), as Keras 3 writes it into Functional
 * configs to compute masks: `x != y` elementwise, a bool tensor. `y` is either a second tensor
 * input or a scalar given as the node's extra positional argument (`NotEqual(x, 0)`).
 *
 * @example
 * ```ts
 * import { NotEqual } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new NotEqual().apply(tensor([[1, 0, 2]], undefined, "int32"), { extraArgs: [0] }); // [[1, 0, 1]]
 * ```
 */
export class NotEqual extends Layer {
  /** Python module Keras serializes the operation under. */
  static override readonly module: string = "keras.src.ops.numpy";
  /** Keras class name. */
  static override readonly className: string = "NotEqual";

  /** Creates the operation. */
  constructor(options: OperationOptions = {}) {
    super({ name: options.name });
    this.built = true;
  }

  /** The shape of `x` (broadcast with `y` when `y` is a tensor). */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    if (inputShapes.length === 1) return [inputShapes[0]];
    const [a, b] = inputShapes;
    if (a.length !== b.length) {
      throw new TypeError(
        `NotEqual "${this.name}": inputs have different ranks: ${shapeToString(a)} and ${
          shapeToString(b)
        }`,
      );
    }
    return [a.map((d, i) => {
      const e = b[i];
      if (d === 1) return e;
      if (e === 1 || e === null) return d;
      if (d === null) return e;
      if (d !== e) {
        throw new TypeError(
          `NotEqual "${this.name}": shapes ${shapeToString(a)} and ${
            shapeToString(b)
          } cannot be broadcast`,
        );
      }
      return d;
    })];
  }

  /** Always bool. */
  override outputDtypes(_inputDtypes: readonly DType[]): DType[] {
    return ["bool"];
  }

  /** `x != y` elementwise. */
  call(inputs: readonly Tensor[], context: CallContext): Tensor[] {
    const x = inputs[0];
    if (inputs.length >= 2) {
      const y = inputs[1];
      const [shape] = this.computeOutputShape([x.shape, y.shape], NO_SHAPE_CONTEXT) as number[][];
      const ix = broadcastIndex(x.shape, shape);
      const iy = broadcastIndex(y.shape, shape);
      let n = 1;
      for (const d of shape) n *= d;
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = x.data[ix ? ix[i] : i] !== y.data[iy ? iy[i] : i] ? 1 : 0;
      }
      return [new Tensor(out, shape)];
    }
    const arg = context.extraArgs[0];
    const v = typeof arg === "boolean" ? Number(arg) : arg;
    if (typeof v !== "number") {
      throw new TypeError(
        `NotEqual "${this.name}": expected a second tensor or a number to compare with, received ${
          JSON.stringify(arg)
        }`,
      );
    }
    // Compare in the input's dtype, as Keras casts the scalar to it.
    const c = x.dtype === "float32" ? Math.fround(v) : x.dtype === "int32" ? Math.trunc(v) : v;
    const out = new Uint8Array(x.size);
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] !== c ? 1 : 0;
    return [new Tensor(out, x.shape)];
  }

  /** Keras config: `{name}` only (operations have no dtype policy or trainable flag). */
  override getConfig(): Record<string, unknown> {
    return { name: this.name };
  }

  /** Operations have no build config. */
  override getBuildConfig(): Record<string, unknown> | undefined {
    return undefined;
  }

  /** Builds the operation from its Keras config. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions = {}): NotEqual {
    const r = new ConfigReader("NotEqual", config, options);
    const op = new NotEqual({ name: r.baseOptions().name });
    r.done();
    return op;
  }
}

registerLayer("NotEqual", (config, options) => NotEqual.fromConfig(config, options));
