import type { F32, Tensor } from "@kerno/tensor";
import type { Layer } from "./layer.ts";

/**
 * One weight of a layer, as Keras names it: `kernel`, `recurrent_kernel`, `bias`, `embeddings`.
 * The value is a float32 {@linkcode Tensor} in Keras's shape; `setWeights` replaces its data.
 *
 * Layers that keep their weights in another layout (the recurrent cells pack them for their
 * kernels) read them again when {@linkcode Variable.version} changes: assigning `value`,
 * {@linkcode Variable.assign} and `setWeights` change it. After editing `value.f32` in place,
 * call {@linkcode Variable.touch}.
 */
export class Variable {
  /** Short name: `kernel`. */
  readonly name: string;
  /** The layer (or cell) that created it. */
  readonly owner: Layer;
  /** Whether Keras counts it as trainable. */
  readonly trainable: boolean;
  #value!: Tensor;
  #version = 0;

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

  /** Current value. */
  get value(): Tensor {
    return this.#value;
  }

  /** Replaces the value (a new version). */
  set value(v: Tensor) {
    this.#value = v;
    this.#version++;
  }

  /** Counts the changes of the value: bumped by every assignment, `assign` and `touch`. */
  get version(): number {
    return this.#version;
  }

  /** Copies `data` into the value in place (same length) and marks the change. */
  assign(data: F32): void {
    this.#value.f32.set(data);
    this.#version++;
  }

  /** Marks the value as changed after its data was edited in place. */
  touch(): void {
    this.#version++;
  }

  /** Keras shape of the value. */
  get shape(): readonly number[] {
    return this.value.shape;
  }
}
