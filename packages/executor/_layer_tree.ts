/**
 * Walks a model's layer tree without importing the layer classes (the pool and its workers see
 * models through small interfaces): the model's layers, nested models' layers, wrapped layers
 * and cells.
 *
 * @module
 */

/** Every layer of the tree, each once, parents before their children. */
export function allLayers(layers: readonly unknown[], out: object[] = []): object[] {
  for (const layer of layers) {
    if (typeof layer !== "object" || layer === null || out.includes(layer)) continue;
    out.push(layer);
    const l = layer as { layers?: unknown; children?: () => [string, unknown][] };
    if (Array.isArray(l.layers)) allLayers(l.layers, out);
    if (typeof l.children === "function") {
      allLayers(l.children().flatMap(([, c]) => (Array.isArray(c) ? c : [c])), out);
    }
  }
  return out;
}

/**
 * The JavaScript class of each layer of the tree, in {@linkcode allLayers} order: a worker's
 * rebuilt model must have the same classes as the model it was sent from (a class of the user's
 * under a built-in Keras name would otherwise be rebuilt as the built-in one).
 */
export function layerClasses(layers: readonly unknown[]): string[] {
  return allLayers(layers).map((l) => (l as { constructor?: { name?: unknown } }).constructor?.name)
    .map((n) => typeof n === "string" ? n : "?");
}
