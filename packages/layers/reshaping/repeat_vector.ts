import { Tensor } from "@kerno/tensor";
import { ConfigReader } from "../config_reader.ts";
import { type CallContext, Layer, type LayerOptions, type ShapeContext } from "../layer.ts";
import { type DeserializeOptions, registerLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { asFloat32 } from "../core/_util.ts";

/**
 * Keras `RepeatVector(n)`: repeats a `[batch, features]` input `n` times into
 * `[batch, n, features]` (the bridge of LSTM autoencoders). No weights; a mask is dropped.
 *
 * @example
 * ```ts
 * import { RepeatVector } from "@kerno/layers";
 * import { tensor } from "@kerno/tensor";
 * new RepeatVector(2).apply(tensor([[1, 2]])); // [[[1, 2], [1, 2]]]
 * ```
 */
export class RepeatVector extends Layer {
  /** Keras class name. */
  static override readonly className: string = "RepeatVector";
  /** How many times the input is repeated. */
  readonly n: number;

  /** Creates the layer; `n` must be a positive integer. */
  constructor(n: number, options: LayerOptions = {}) {
    super(options);
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(
        `RepeatVector layer "${this.name}": n must be a positive integer, received ${n}`,
      );
    }
    this.n = n;
    this.inputSpec = { ndim: 2 };
  }

  /** `(batch, n, features)`. */
  computeOutputShape(inputShapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const [b, f] = inputShapes[0];
    return [[b, this.n, f]];
  }

  /** Copies each row `n` times. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const x = asFloat32(inputs[0]);
    const [b, f] = x.shape;
    const src = x.f32;
    const out = new Float32Array(b * this.n * f);
    for (let r = 0; r < b; r++) {
      const row = src.subarray(r * f, (r + 1) * f);
      for (let t = 0; t < this.n; t++) out.set(row, (r * this.n + t) * f);
    }
    return [new Tensor(out, [b, this.n, f])];
  }

  /** Keras 3 config: the base keys and `n`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }

  /** Builds a RepeatVector from its Keras config. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): RepeatVector {
    const r = new ConfigReader("RepeatVector", config, options);
    const layer = new RepeatVector(r.number("n"), r.baseOptions());
    r.done();
    return layer;
  }
}

registerLayer("RepeatVector", (config, options) => RepeatVector.fromConfig(config, options));
