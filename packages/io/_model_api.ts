/**
 * What io needs from `@kerno/model`, in one place.
 *
 * @module
 */
import { type Model, type ModelFromConfigOptions, modelFromJSON } from "@kerno/model";

export type { Model } from "@kerno/model";

/** Builds a model from its Keras JSON config with `@kerno/model`'s `modelFromJSON`. */
export function buildModel(config: object, options: ModelFromConfigOptions): Model {
  return modelFromJSON(config, options);
}

/** The model serialized as Keras writes `config.json`: `{module, class_name, config, …}`. */
export function serializeModel(model: Model): Record<string, unknown> {
  return JSON.parse(model.toJSON());
}
