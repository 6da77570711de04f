import type { Tensor } from "@kerno/tensor";
import type { Layer } from "./layer.ts";

/**
 * One weight of a layer, as Keras names it: `kernel`, `recurrent_kernel`, `bias`, `embeddings`.
 * The value is a float32 {@linkcode Tensor} in Keras's shape; `setWeights` replaces its data.
 */
export class Variable {
  /** Short name: `kernel`. */
  readonly name: string;
  /** The layer (or cell) that created it. */
  readonly owner: Layer;
  /** Whether Keras counts it as trainable. */
  readonly trainable: boolean;
  /** Current value. */
  value: Tensor;

  /** Creates a variable owned by `owner`. */
  constructor(owner: Layer, name: string, value: Tensor, trainable = true) {
    this.owner = owner;
    this.name = name;
    this.value = value;
    this.trainable = trainable;
  }

  /**
   * Keras's variable path, e.g. `lstm/lstm_cell/kernel`: the names of the owner and of the
   * containers above it that scope their variables (see `Layer.scopesVariablePaths`).
   */
  get path(): string {
    const parts = [this.name, this.owner.name];
    for (let l = this.owner.parent; l !== null; l = l.parent) {
      if (l.scopesVariablePaths) parts.push(l.name);
    }
    return parts.reverse().join("/");
  }

  /** Keras shape of the value. */
  get shape(): readonly number[] {
    return this.value.shape;
  }
}
