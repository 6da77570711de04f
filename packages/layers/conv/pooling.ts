import { registerLayer } from "../registry.ts";
import { BasePooling, type PoolingOptions } from "./base_pooling.ts";
import { poolingFromConfig } from "./_pooling_from_config.ts";

/**
 * Keras `MaxPooling1D`: the largest value of each window of `poolSize` steps, `(batch, steps,
 * channels)` in; strides default to the pool size.
 *
 * @example
 * ```ts
 * import { MaxPooling1D } from "@kerno/layers";
 * import { tensor, type Tensor } from "@kerno/tensor";
 * const y = new MaxPooling1D(2).apply(tensor([[[1], [3], [2], [0]]])) as Tensor; // [[[3], [2]]]
 * ```
 */
export class MaxPooling1D extends BasePooling {
  /** Keras class name. */
  static override readonly className: string = "MaxPooling1D";
  /** Windows of `poolSize` steps (default 2). */
  constructor(poolSize: number | number[] = 2, options: PoolingOptions = {}) {
    super(1, "max", poolSize, options);
  }
}

/**
 * Keras `AveragePooling1D`: the mean of each window of `poolSize` steps (with `same` padding,
 * of the steps inside the input).
 *
 * @example
 * ```ts
 * import { AveragePooling1D } from "@kerno/layers";
 * import { tensor, type Tensor } from "@kerno/tensor";
 * const y = new AveragePooling1D(2).apply(tensor([[[1], [3], [2], [0]]])) as Tensor; // [[[2], [1]]]
 * ```
 */
export class AveragePooling1D extends BasePooling {
  /** Keras class name. */
  static override readonly className: string = "AveragePooling1D";
  /** Windows of `poolSize` steps (default 2). */
  constructor(poolSize: number | number[] = 2, options: PoolingOptions = {}) {
    super(1, "average", poolSize, options);
  }
}

/**
 * Keras `MaxPooling2D`: the largest value of each `poolSize` window of `(batch, rows, cols,
 * channels)` inputs (each frame of a sequence under `TimeDistributed`).
 *
 * @example
 * ```ts
 * import { MaxPooling2D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const y = new MaxPooling2D(2).apply(Tensor.zeros([1, 4, 4, 3])) as Tensor; // shape [1, 2, 2, 3]
 * ```
 */
export class MaxPooling2D extends BasePooling {
  /** Keras class name. */
  static override readonly className: string = "MaxPooling2D";
  /** Windows of `poolSize` (one number or `[rows, cols]`, default 2). */
  constructor(poolSize: number | number[] = 2, options: PoolingOptions = {}) {
    super(2, "max", poolSize, options);
  }
}

/**
 * Keras `AveragePooling2D`: the mean of each `poolSize` window of `(batch, rows, cols,
 * channels)` inputs (with `same` padding, of the positions inside the input).
 *
 * @example
 * ```ts
 * import { AveragePooling2D } from "@kerno/layers";
 * import { Tensor } from "@kerno/tensor";
 * const y = new AveragePooling2D(2).apply(Tensor.zeros([1, 4, 4, 3])) as Tensor; // [1, 2, 2, 3]
 * ```
 */
export class AveragePooling2D extends BasePooling {
  /** Keras class name. */
  static override readonly className: string = "AveragePooling2D";
  /** Windows of `poolSize` (one number or `[rows, cols]`, default 2). */
  constructor(poolSize: number | number[] = 2, options: PoolingOptions = {}) {
    super(2, "average", poolSize, options);
  }
}

for (
  const [cls, aliases] of [
    [MaxPooling1D, ["MaxPool1D"]],
    [AveragePooling1D, ["AvgPool1D"]],
    [MaxPooling2D, ["MaxPool2D"]],
    [AveragePooling2D, ["AvgPool2D"]],
  ] as const
) {
  for (const name of [cls.className, ...aliases]) {
    registerLayer(name, (config, options) => poolingFromConfig(cls, config, options));
  }
}
