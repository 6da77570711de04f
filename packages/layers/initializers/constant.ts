import type { Initializer } from "../initializer.ts";

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Keras `Zeros`: every value 0. The default bias initializer.
 *
 * @example
 * ```ts
 * import { Zeros } from "@kerno/layers";
 * new Zeros().generate([2, 3]); // six zeros
 * ```
 */
export class Zeros implements Initializer {
  /** Keras class name. */
  readonly className: string = "Zeros";
  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(size(shape));
  }
  /** Keras config: `{}`. */
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * Keras `Ones`: every value 1.
 *
 * @example
 * ```ts
 * import { Ones } from "@kerno/layers";
 * new Ones().generate([2]); // [1, 1]
 * ```
 */
export class Ones implements Initializer {
  /** Keras class name. */
  readonly className: string = "Ones";
  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(size(shape)).fill(1);
  }
  /** Keras config: `{}`. */
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/**
 * Keras `Constant(value)`: every value `value`.
 *
 * @example
 * ```ts
 * import { Constant } from "@kerno/layers";
 * new Constant(0.1).generate([3]); // three float32(0.1)
 * ```
 */
export class Constant implements Initializer {
  /** Keras class name. */
  readonly className: string = "Constant";
  /** The fill value. */
  readonly value: number;
  /** Creates the initializer (Keras's default value is 0). */
  constructor(value = 0) {
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new TypeError(`Constant initializer: expected a number value, received ${value}`);
    }
    this.value = value;
  }
  /** Fills a new float32 array for a weight of `shape`. */
  generate(shape: readonly number[]): Float32Array {
    return new Float32Array(size(shape)).fill(this.value);
  }
  /** Keras config: `{value}`. */
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

/**
 * Keras `Identity(gain)`: `gain` on the main diagonal of a 2D weight, 0 elsewhere (rectangular
 * shapes allowed).
 *
 * @example
 * ```ts
 * import { Identity } from "@kerno/layers";
 * new Identity(2).generate([2, 2]); // [2, 0, 0, 2]
 * ```
 */
export class Identity implements Initializer {
  /** Keras class name. */
  readonly className: string = "Identity";
  /** The diagonal value. */
  readonly gain: number;
  /** Creates the initializer (default gain 1). */
  constructor(gain = 1) {
    this.gain = gain;
  }
  /** Fills a new float32 array for a 2D weight of `shape`; other ranks are refused. */
  generate(shape: readonly number[]): Float32Array {
    if (shape.length !== 2) {
      throw new RangeError(
        `Identity initializer: the weight must be 2D, received shape [${shape.join(", ")}]`,
      );
    }
    const [rows, cols] = shape;
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = this.gain;
    return out;
  }
  /** Keras config: `{gain}`. */
  getConfig(): Record<string, unknown> {
    return { gain: this.gain };
  }
}
