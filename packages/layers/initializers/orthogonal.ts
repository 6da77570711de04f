import { RandomInitializer, type RandomInitializerOptions } from "./random.ts";

/** Options of {@linkcode Orthogonal}. */
export interface OrthogonalOptions extends RandomInitializerOptions {
  /** Factor applied to the orthogonal matrix (default 1). */
  gain?: number;
}

/**
 * Keras `Orthogonal`: an orthogonal matrix from the QR factorization of a seeded normal matrix.
 * A weight of shape `(..., cols)` is seen as `rows = prod(leading dims)` by `cols`; with
 * `rows ≥ cols` its columns are orthonormal, else its rows are. The default recurrent-kernel
 * initializer.
 *
 * The QR factorization is a modified Gram–Schmidt in float64, run twice per column for accuracy;
 * it gives R a positive diagonal, which is the sign convention Keras enforces.
 *
 * @example
 * ```ts
 * import { Orthogonal } from "@kerno/layers";
 * const q = new Orthogonal({ seed: 1 }).generate([4, 4]); // qᵀq = I
 * ```
 */
export class Orthogonal extends RandomInitializer {
  /** Keras class name. */
  readonly className: string = "Orthogonal";
  /** The factor applied to the matrix. */
  readonly gain: number;

  /** Creates the initializer. */
  constructor(options: OrthogonalOptions = {}) {
    super(options);
    this.gain = options.gain ?? 1;
  }

  /** Fills a new float32 array for a weight of `shape` (rank ≥ 2). */
  generate(shape: readonly number[]): Float32Array {
    if (shape.length < 2) {
      throw new RangeError(
        `Orthogonal initializer: the weight must be at least 2D, received shape [${
          shape.join(", ")
        }]`,
      );
    }
    let numRows = 1;
    for (let i = 0; i < shape.length - 1; i++) numRows *= shape[i];
    const numCols = shape[shape.length - 1];
    const m = Math.max(numRows, numCols);
    const n = Math.min(numRows, numCols);
    const rng = this.rng();
    // q holds the m×n matrix column by column (q[j*m + i] is row i of column j), so every dot
    // product and update below runs over contiguous memory. It is filled in row-major draw order.
    const q = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) q[j * m + i] = rng.normal(0, 1);
    }
    for (let j = 0; j < n; j++) {
      const cj = j * m;
      for (let pass = 0; pass < 2; pass++) {
        for (let k = 0; k < j; k++) {
          const ck = k * m;
          let dot = 0;
          for (let i = 0; i < m; i++) dot += q[ck + i] * q[cj + i];
          for (let i = 0; i < m; i++) q[cj + i] -= dot * q[ck + i];
        }
      }
      let norm = 0;
      for (let i = 0; i < m; i++) norm += q[cj + i] * q[cj + i];
      norm = Math.sqrt(norm);
      if (norm === 0) {
        throw new RangeError("Orthogonal initializer: the random matrix is rank-deficient");
      }
      for (let i = 0; i < m; i++) q[cj + i] /= norm;
    }
    const out = new Float32Array(numRows * numCols);
    if (numRows >= numCols) {
      for (let r = 0; r < numRows; r++) {
        for (let c = 0; c < numCols; c++) out[r * numCols + c] = this.gain * q[c * m + r];
      }
    } else {
      // Transposed: out[r][c] = q[c][r], q being numCols×numRows.
      for (let r = 0; r < numRows; r++) {
        for (let c = 0; c < numCols; c++) out[r * numCols + c] = this.gain * q[r * m + c];
      }
    }
    return out;
  }

  /** Keras config: `{seed, gain}`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), gain: this.gain };
  }
}
