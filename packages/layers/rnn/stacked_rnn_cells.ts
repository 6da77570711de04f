import type { Tensor } from "@kerno/tensor";
import type { LayerOptions, OutputStructure } from "../layer.ts";
import { ConfigReader } from "../config_reader.ts";
import { deserializeLayer, type DeserializeOptions, serializeLayer } from "../registry.ts";
import type { Shape } from "../shape.ts";
import { type CellStepResult, type FusedStepper, RNNCell } from "./cell.ts";

/**
 * Several cells run as one: at each timestep the output of cell `k` is the input of cell
 * `k + 1`. The states are the cells' states in order; `return_state` nests them per cell
 * (`(output, [h0, c0], [h1, c1])` for two LSTM cells). `new RNN([a, b])` wraps a list of
 * cells in one of these.
 *
 * @example
 * ```ts
 * import { type Tensor, tensor } from "@kerno/tensor";
 * import { LSTMCell, RNN, StackedRNNCells } from "@kerno/layers";
 * const rnn = new RNN(new StackedRNNCells([new LSTMCell(6), new LSTMCell(4)]), {
 *   returnState: true,
 * });
 * const [out, [h0, c0], [h1, c1]] = rnn.apply(tensor([[[0.1], [0.2]]])) as [Tensor, Tensor[], Tensor[]];
 * out.shape; // [1, 4], like h1; h0 and c0 are [1, 6]
 * ```
 */
export class StackedRNNCells extends RNNCell {
  /** Keras class name. */
  static override readonly className: string = "StackedRNNCells";
  /** The cells, bottom first. */
  readonly cells: readonly RNNCell[];

  /** Stacks `cells` (at least one). Each cell's `parent` becomes this layer. */
  constructor(cells: readonly RNNCell[], options: LayerOptions = {}) {
    super(options);
    if (cells.length === 0) {
      throw new RangeError(`StackedRNNCells "${this.name}" needs at least one cell`);
    }
    cells.forEach((c, i) => {
      if (!(c instanceof RNNCell)) {
        throw new TypeError(
          `StackedRNNCells "${this.name}": cell ${i} is not an RNNCell (received ${String(c)})`,
        );
      }
      c.parent = this;
    });
    this.cells = [...cells];
  }

  /** All the cells' state sizes, in order (flattened). */
  get stateSize(): number[] {
    return this.cells.flatMap((c) => [...c.stateSize]);
  }

  /** The last cell's output size. */
  get outputSize(): number {
    return this.cells[this.cells.length - 1].outputSize;
  }

  /** Keras's `state_size` is a list (one entry per cell). */
  override get stateIsList(): boolean {
    return true;
  }

  /** One group per cell: a single index for a one-integer `state_size`, else a list. */
  override stateStructure(offset: number): OutputStructure[] {
    const out: OutputStructure[] = [];
    let at = offset;
    for (const c of this.cells) {
      const n = c.stateSize.length;
      out.push(c.stateIsList ? c.stateStructure(at) : at);
      at += n;
    }
    return out;
  }

  /** Builds each cell on the previous cell's output size. */
  override build(inputShapes: readonly Shape[]): void {
    let shape: Shape = inputShapes[0];
    for (const c of this.cells) {
      if (!c.built) c.build([shape]);
      shape = [shape[0], c.outputSize];
    }
    super.build(inputShapes);
  }

  /** Every cell's fast path, or null if one cell has none. */
  override fusedSteppers(batch: number): FusedStepper[] | null {
    const out: FusedStepper[] = [];
    for (const c of this.cells) {
      const s = c.fusedSteppers(batch);
      if (!s) return null;
      out.push(...s);
    }
    return out;
  }

  /** Steps each cell in turn (Keras's `StackedRNNCells.call`). */
  step(input: Tensor, states: readonly Tensor[]): CellStepResult {
    let x = input;
    let at = 0;
    const next: Tensor[] = [];
    for (const c of this.cells) {
      const n = c.stateSize.length;
      const r = c.step(x, states.slice(at, at + n));
      next.push(...r.states);
      x = r.output;
      at += n;
    }
    return { output: x, states: next };
  }

  /** `{cells: [...]}` (each cell serialized) after the base keys. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map((c) => serializeLayer(c)) };
  }

  /** `[["cells", [...cells]]]`. */
  override children(): [string, RNNCell[]][] {
    return [["cells", [...this.cells]]];
  }

  /** Builds the stack from its Keras config; each cell is deserialized by class. */
  static fromConfig(
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ): StackedRNNCells {
    const r = new ConfigReader("StackedRNNCells", config, options);
    const raw = r.raw("cells");
    if (!Array.isArray(raw)) {
      throw new TypeError(
        `StackedRNNCells layer "${r.layerName}", config key "cells": expected a list of cell ` +
          `configs, received ${JSON.stringify(raw)?.slice(0, 120)}`,
      );
    }
    const cells = raw.map((c, i) => {
      const layer = deserializeLayer(c, options);
      if (!(layer instanceof RNNCell)) {
        throw new TypeError(
          `StackedRNNCells layer "${r.layerName}": cell ${i} (${layer.className}) is not a cell`,
        );
      }
      return layer;
    });
    const stack = new StackedRNNCells(cells, r.baseOptions());
    r.done();
    return stack;
  }
}
