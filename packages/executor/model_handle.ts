/**
 * {@linkcode ModelHandle}: a model loaded into a {@linkcode WorkerPool}. The weights live once in a
 * `SharedArrayBuffer` that the model and every worker view.
 *
 * @module
 */
import { getActivation } from "@kerno/tensor";
import { currentLimits } from "@kerno/layers";
import type { BuildOptions } from "./_messages.ts";
import { allLayers } from "./_layer_tree.ts";
import type { LoadSpec } from "./_slot.ts";
import { type PackedWeights, packWeights, stillShared } from "./_pack.ts";
import type { OutputStructure, PoolModel, PoolTensorSpec } from "./types.ts";

let nextId = 1;

function hasStatefulLayer(layers: readonly unknown[]): boolean {
  return layers.some((layer) => {
    const l = layer as {
      stateful?: unknown;
      children?: () => [string, unknown][];
      layers?: readonly unknown[];
    };
    if (l.stateful === true) return true;
    if (Array.isArray(l.layers) && hasStatefulLayer(l.layers)) return true;
    if (typeof l.children === "function") {
      return hasStatefulLayer(l.children().flatMap(([, c]) => (Array.isArray(c) ? c : [c])));
    }
    return false;
  });
}

/**
 * Whether `model` has a stateful layer (also inside wrappers and nested models): the pool runs
 * such a model on one worker and carries its state from call to call.
 */
export function isStatefulModel(model: PoolModel): boolean {
  return hasStatefulLayer(model.layers);
}

/**
 * Whether a layer runs `hard_sigmoid` as Keras 2 did. The config cannot say it (the name stays
 * `hard_sigmoid`), so the workers must be told: look for the loader's flag on the layer or its
 * cell arguments, and for a resolved activation using the Keras 2 kernel.
 */
function usesKeras2HardSigmoid(layer: object): boolean {
  const keras2 = getActivation("hard_sigmoid_keras2");
  const places = [layer, (layer as { args?: unknown }).args];
  return places.some((place) => {
    if (typeof place !== "object" || place === null) return false;
    return Object.entries(place).some(([key, value]) =>
      (key === "keras2HardSigmoid" && value === true) ||
      (typeof value === "object" && value !== null && (value as { fn?: unknown }).fn === keras2)
    );
  });
}

/** A bidirectional wrapper whose two directions return different sizes. */
function hasUnevenDirections(layer: object): boolean {
  type Direction = { cell?: { outputSize?: unknown } } | undefined;
  const { forwardLayer, backwardLayer } = layer as {
    forwardLayer?: Direction;
    backwardLayer?: Direction;
  };
  const forward = forwardLayer?.cell?.outputSize;
  const backward = backwardLayer?.cell?.outputSize;
  return forward !== undefined && backward !== undefined && forward !== backward;
}

function buildOptions(model: PoolModel): BuildOptions {
  const limits = { ...currentLimits() };
  return allLayers(model.layers).some(usesKeras2HardSigmoid)
    ? { keras2HardSigmoid: true, limits }
    : { limits };
}

function configJson(model: PoolModel): string {
  const j = model.toJSON();
  return typeof j === "string" ? j : JSON.stringify(j);
}

/**
 * A model loaded into a pool (from {@linkcode WorkerPool.load}). Pass it to `predict` instead of
 * the model to skip the lookup. It stays valid until the pool unloads it or closes.
 *
 * @example
 * ```ts ignore
 * const handle = await pool.load(model);
 * const y = await pool.predict(handle, x);
 * ```
 */
export class ModelHandle {
  /** The model's name. */
  readonly name: string;
  /** The model's inputs. */
  readonly inputs: readonly PoolTensorSpec[];
  /** The model's flat outputs. */
  readonly outputs: readonly PoolTensorSpec[];
  /** How `predict` nests the flat outputs. */
  readonly structure: OutputStructure;
  /**
   * True when a layer is stateful. A stateful model runs on one worker (its home), which keeps
   * the state of every sample index between calls; it is not split across workers.
   */
  readonly stateful: boolean;

  /**
   * False when an output's real shape may differ from the declared one: Keras declares
   * `Bidirectional` outputs as twice the forward layer's size even when a custom backward layer
   * has another size, and Kerno keeps Keras's declaration. The pool then sizes the outputs from a
   * first batch instead.
   */
  readonly outputShapesHold: boolean;

  /** Packs `model`'s weights into shared memory (the model then views them too). */
  constructor(model: PoolModel) {
    this.name = model.name ?? "model";
    this.inputs = [...model.inputs];
    this.outputs = [...model.outputs];
    this.outputShapesHold = !allLayers(model.layers).some(hasUnevenDirections);
    this.structure = model.outputStructure();
    this.stateful = hasStatefulLayer(model.layers);
    internals.set(this, {
      model,
      json: configJson(model),
      options: buildOptions(model),
      packed: packWeights(model.weights),
      id: nextId++,
    });
  }

  /** Bytes of the shared weight buffer. */
  get weightBytes(): number {
    return internals.get(this)!.packed.buffer.byteLength;
  }
}

interface Internals {
  readonly model: PoolModel;
  readonly json: string;
  readonly options: BuildOptions;
  packed: PackedWeights;
  id: number;
}

const internals = new WeakMap<ModelHandle, Internals>();

/** The model a handle was made from (internal). */
export function modelOf(handle: ModelHandle): PoolModel {
  return internals.get(handle)!.model;
}

/** What a worker needs to load the handle's model (internal). */
export function loadSpecOf(handle: ModelHandle): LoadSpec {
  const s = internals.get(handle)!;
  return {
    id: s.id,
    json: s.json,
    options: s.options,
    buffer: s.packed.buffer,
    layout: s.packed.layout,
  };
}

/**
 * Re-shares the weights if the model's variables no longer view the shared buffer (their
 * `value` was replaced). Returns the load id that was dropped, or `null` when nothing changed
 * (internal).
 */
export function refreshHandle(handle: ModelHandle): number | null {
  const s = internals.get(handle)!;
  if (stillShared(s.model.weights, s.packed)) return null;
  const old = s.id;
  s.packed = packWeights(s.model.weights);
  s.id = nextId++;
  return old;
}
