import type { Layer, SerializedLayer } from "./layer.ts";
import { checkJsonDepth } from "./limits.ts";
import type { LambdaSupply } from "./core/lambda.ts";

/** Options of {@linkcode deserializeLayer}. */
export interface DeserializeOptions {
  /** Extra classes by name (Keras's `custom_objects`), tried before the built-ins. */
  customObjects?: Record<string, LayerFactory>;
  /**
   * Collects one line per legacy key that was translated or dropped (e.g. `time_major: false`).
   * Loaders print these once.
   */
  notes?: string[];
  /**
   * Use Keras 2's `hard_sigmoid` (clip(0.2x + 0.5, 0, 1)) wherever a layer names `hard_sigmoid`,
   * instead of Keras 3's clip(x/6 + 0.5, 0, 1). Loaders set it for files written by Keras 2.
   */
  keras2HardSigmoid?: boolean;
  /** Bodies of the model's Lambda layers, in TypeScript, by layer name (see `Lambda`). */
  lambdas?: Record<string, LambdaSupply>;
}

/** Builds a layer from its Keras config. `options` must be passed on to nested deserializations. */
export type LayerFactory = (config: Record<string, unknown>, options: DeserializeOptions) => Layer;

const factories = new Map<string, LayerFactory>();

/** Keras classes Kerno refuses by design, with the reason given to the user. */
const refused: Record<string, string> = {
  TFOpLambda: "a TFOpLambda layer holds a TensorFlow op, which Kerno never executes",
};

/** Registers the factory for a Keras class name (`LSTM`, `Dense`, …). */
export function registerLayer(className: string, factory: LayerFactory): void {
  factories.set(className, factory);
}

/** The registered Keras class names, sorted. */
export function registeredLayerNames(): string[] {
  return [...factories.keys()].sort();
}

function isSerialized(value: unknown): value is SerializedLayer {
  return typeof value === "object" && value !== null && "class_name" in value &&
    "config" in value;
}

/**
 * Builds a layer from Keras's `{class_name, config}` object (Keras 3 form with `module`, or the
 * Keras 2 form without). Unknown classes and Lambda layers are refused with an error naming them;
 * nothing from a config is ever executed.
 *
 * @example
 * ```ts ignore
 * const lstm = deserializeLayer({ class_name: "LSTM", config: { units: 4 } });
 * ```
 */
export function deserializeLayer(value: unknown, options: DeserializeOptions = {}): Layer {
  if (nesting === 0) checkJsonDepth(value, "layer config");
  nesting++;
  try {
    return deserializeChecked(value, options);
  } finally {
    nesting--;
  }
}

/** How many `deserializeLayer` calls are running: only the outermost checks the nesting. */
let nesting = 0;

function deserializeChecked(value: unknown, options: DeserializeOptions): Layer {
  if (!isSerialized(value)) {
    throw new TypeError(
      `Expected a Keras layer config {class_name, config}, received ${
        JSON.stringify(value)?.slice(0, 120)
      }`,
    );
  }
  if (typeof value.class_name !== "string") {
    throw new TypeError(
      `Expected a Keras layer config whose class_name is a string, received class_name ${
        JSON.stringify(value.class_name)?.slice(0, 80)
      }${typeof value.config?.name === "string" ? ` (layer "${value.config.name}")` : ""}`,
    );
  }
  const name = value.class_name;
  const layerName = typeof value.config?.name === "string" ? ` "${value.config.name}"` : "";
  if (name in refused) {
    throw new TypeError(`Cannot load layer${layerName} of class ${name}: ${refused[name]}`);
  }
  const factory = options.customObjects?.[name] ?? factories.get(name);
  if (!factory) {
    throw new TypeError(
      `Unknown layer class "${name}"${
        layerName ? ` (layer${layerName})` : ""
      }: Kerno has no layer of that name. If it is a layer class written for this model (a ` +
        `custom attention layer, say), write it in TypeScript and pass it when loading: ` +
        `loadModel(path, { customObjects: { ${name}: (config, options) => … } }), or register ` +
        `it with registerLayer("${name}", …) (see the guide's "Lambda and custom layers"). ` +
        `Kerno's layers: ${registeredLayerNames().join(", ")}`,
    );
  }
  try {
    return factory({ ...value.config }, options);
  } catch (e) {
    throw withLayerName(e, name, value.config?.name);
  }
}

/** `e` with `Class layer "name": ` in front when its message does not name the layer yet. */
function withLayerName(e: unknown, className: string, layerName: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const where = typeof layerName === "string" ? `"${layerName}"` : "";
  if (where ? e.message.includes(where) : e.message.includes(className)) return e;
  const Ctor = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
  return new Ctor(`${className} layer${where ? ` ${where}` : ""}: ${e.message}`, { cause: e });
}

/**
 * Keras's serialization envelope for a layer: `{module, class_name, config, registered_name}`
 * (plus `build_config` once built), as the layer's {@linkcode Layer.serialize} writes it.
 */
export function serializeLayer(layer: Layer): SerializedLayer {
  return layer.serialize();
}
