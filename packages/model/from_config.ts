import {
  checkJsonDepth,
  deserializeLayer,
  type DeserializeOptions,
  type Layer,
  type Limits,
  registerLayer,
  type Shape,
  withLimits,
} from "@kerno/layers";
import { type FunctionalConfig, functionalFromConfig } from "./functional_from_config.ts";
import { Model } from "./model.ts";
import { Sequential } from "./sequential.ts";
import { checkLambdaBodies } from "./lambda_layers.ts";

/** How many `modelFromConfig` calls are running (nested models are built by inner calls). */
let depth = 0;

/** Options of {@linkcode modelFromJSON} and {@linkcode modelFromConfig}. */
export interface ModelFromConfigOptions extends DeserializeOptions {
  /**
   * Run `hard_sigmoid` as Keras 2 defined it (`clip(0.2x + 0.5, 0, 1)`) instead of Keras 3's
   * `clip(x/6 + 0.5, 0, 1)`: what a model saved by Keras 2 computed when it was trained. Passed on
   * to every layer factory in the deserialize options.
   */
  keras2HardSigmoid?: boolean;
  /**
   * Limits on top of the current ones (see `Limits` in `@kerno/layers`): the deepest config
   * nesting, the largest weight a config may declare.
   */
  limits?: Partial<Limits>;
}

const ENVELOPE_KEYS = new Set([
  "module",
  "class_name",
  "config",
  "registered_name",
  "build_config",
  "compile_config",
  "keras_version",
  "backend",
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkKeys(
  config: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new TypeError(
        `${where}: unsupported config key "${key}" = ${JSON.stringify(config[key])?.slice(0, 80)}`,
      );
    }
  }
}

function sequentialFromConfig(
  config: unknown,
  options: ModelFromConfigOptions,
): Sequential {
  let layerConfigs: unknown;
  let name: string | undefined;
  let trainable: boolean | undefined;
  let buildInputShape: unknown;
  if (Array.isArray(config)) {
    layerConfigs = config;
    options.notes?.push("Sequential config is a bare list of layers (Keras <= 2.2.2)");
  } else if (isRecord(config)) {
    checkKeys(
      config,
      ["name", "trainable", "dtype", "layers", "build_input_shape"],
      "Sequential model config",
    );
    layerConfigs = config.layers;
    name = typeof config.name === "string" ? config.name : undefined;
    trainable = typeof config.trainable === "boolean" ? config.trainable : undefined;
    buildInputShape = config.build_input_shape;
  }
  if (!Array.isArray(layerConfigs)) {
    throw new TypeError(
      `Sequential model config: expected a list of layers, received ${
        JSON.stringify(layerConfigs)?.slice(0, 80)
      }`,
    );
  }
  const layers: Layer[] = layerConfigs.map((c) => deserializeLayer(c, options));
  const model = new Sequential(layers, { name, trainable });
  if (!model.built && Array.isArray(buildInputShape) && model.layers.length > 0) {
    model.build([buildInputShape as Shape]);
  }
  return model;
}

/**
 * Builds a model from Keras's serialized form `{class_name, config, …}` (already parsed JSON):
 * `Functional` (or Keras 2's `Model`) graphs in the Keras 3 node form or the legacy nested-list
 * form, and `Sequential` stacks (also Keras 2's forms). Layers come from the layer registry;
 * nothing in the config is executed: the bodies of Lambda layers come from `options.lambdas`, and
 * a model whose Lambda layers lack one is refused with the list of them (see
 * `checkLambdaBodies`). Weights start at their initializers: set them afterwards.
 *
 * @example
 * ```ts ignore
 * const model = modelFromConfig(caseJson.model_config);
 * model.setWeights(weights);
 * ```
 */
export function modelFromConfig(
  serialized: unknown,
  options: ModelFromConfigOptions = {},
): Model {
  return withLimits(options.limits, () => {
    checkJsonDepth(serialized, "model config");
    return modelFromCheckedConfig(serialized, options);
  });
}

function modelFromCheckedConfig(serialized: unknown, options: ModelFromConfigOptions): Model {
  if (!isRecord(serialized) || typeof serialized.class_name !== "string") {
    throw new TypeError(
      `Expected a Keras model config {class_name, config}, received ${
        JSON.stringify(serialized)?.slice(0, 120)
      }`,
    );
  }
  for (const key of Object.keys(serialized)) {
    if (!ENVELOPE_KEYS.has(key)) {
      options.notes?.push(`model config: ignored top-level key "${key}"`);
    }
  }
  if (depth === 0) checkLambdaBodies(serialized, options.lambdas);
  depth++;
  try {
    return buildFromConfig(serialized, { ...options });
  } finally {
    depth--;
  }
}

function buildFromConfig(
  serialized: Record<string, unknown>,
  opts: ModelFromConfigOptions,
): Model {
  switch (serialized.class_name) {
    case "Sequential":
      return sequentialFromConfig(serialized.config, opts);
    case "Functional":
    case "Model":
      if (!isRecord(serialized.config)) {
        throw new TypeError(`${serialized.class_name} model config: expected an object`);
      }
      return new Model(
        functionalFromConfig(serialized.config as unknown as FunctionalConfig, opts),
      );
    default:
      throw new TypeError(
        `Unknown model class "${serialized.class_name}": expected Functional, Model or Sequential`,
      );
  }
}

/**
 * Builds a model from Keras's `model.to_json()` text (or the parsed object), as
 * `keras.models.model_from_json`.
 *
 * @example
 * ```ts ignore
 * import { modelFromJSON } from "@kerno/model";
 * const model = modelFromJSON(await Deno.readTextFile("config.json"));
 * ```
 */
export function modelFromJSON(
  json: string | object,
  options: ModelFromConfigOptions = {},
): Model {
  let parsed: unknown = json;
  if (typeof json === "string") {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new TypeError(`modelFromJSON: the text is not valid JSON (${(e as Error).message})`);
    }
  }
  return modelFromConfig(parsed, options);
}

for (const className of ["Functional", "Model", "Sequential"]) {
  registerLayer(
    className,
    (config, options) => modelFromCheckedConfig({ class_name: className, config }, options),
  );
}
