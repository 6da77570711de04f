/**
 * What every model loader shares: parsing a JSON config with the nesting limit, translating a
 * legacy config, choosing the hard_sigmoid reading, and building the model inside the weight
 * budget of its file.
 *
 * @module
 */
import {
  checkJsonDepth,
  type LambdaSupply,
  type Layer,
  type LayerFactory,
  MultiHeadAttention,
  RNN,
  StackedRNNCells,
  type WeightSource,
  withLimits,
} from "@kerno/layers";
import { buildModel, type Model } from "./_model_api.ts";
import { withLabel } from "./_source.ts";
import { translateLegacyConfig } from "./legacy_config.ts";

/** The options of `loadModel` that building a model reads. */
export interface BuildOptions {
  /** Keras 2's hard_sigmoid (see `LoadModelOptions`); default from the file's Keras version. */
  keras2HardSigmoid?: boolean;
  /** Collects one line per legacy translation. */
  notes?: string[];
  /** Extra layer classes by Keras class name. */
  customObjects?: Record<string, LayerFactory>;
  /** Lambda bodies by layer name. */
  lambdas?: Record<string, LambdaSupply>;
}

/** Whether a `keras_version` string is Keras 1 or 2 (`2.2.4-tf`, `2.13.1`, …). */
export function isKeras2Version(version: unknown): boolean {
  return typeof version === "string" && /^[12]\./.test(version);
}

function hardSigmoidChoice(
  config: unknown,
  version: unknown,
  options: BuildOptions,
  notes: string[],
  label: string,
): boolean {
  const keras2 = options.keras2HardSigmoid ?? isKeras2Version(version);
  if (keras2 && JSON.stringify(config).includes('"hard_sigmoid"')) {
    notes.push(
      `${label}: hard_sigmoid read as Keras 2's clip(0.2x + 0.5, 0, 1)${
        options.keras2HardSigmoid === undefined
          ? ` (file written by Keras ${version}; pass keras2HardSigmoid: false for Keras 3's x/6 + 0.5)`
          : ""
      }`,
    );
  }
  return keras2;
}

/**
 * Builds the model of `config` (translated from Keras 2 when needed). With `weights`, the model's
 * weights may not add up to more than the file holds and are left for the loader to set; without,
 * they are initialized. Errors are prefixed with `label`.
 */
export function buildFromConfig(
  config: unknown,
  version: unknown,
  options: BuildOptions,
  label: string,
  weights?: WeightSource,
): Model {
  const notes = options.notes ?? [];
  try {
    const translated = translateLegacyConfig(config, notes);
    const keras2HardSigmoid = hardSigmoidChoice(translated, version, options, notes, label);
    return withLimits(undefined, () =>
      buildModel(translated, {
        notes,
        keras2HardSigmoid,
        customObjects: options.customObjects,
        lambdas: options.lambdas,
      }), weights);
  } catch (e) {
    withLabel(e, label);
  }
}

/** Parses JSON text (bytes or a string), checking its nesting; errors name `label`. */
export function parseJson(bytes: Uint8Array | string, label: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    throw new TypeError(`${label}: invalid JSON (${(e as Error).message})`);
  }
  checkJsonDepth(value, label);
  return value;
}

/** {@linkcode parseJson} for a JSON object; anything else throws a `TypeError` naming `label`. */
export function parseObject(bytes: Uint8Array | string, label: string): Record<string, unknown> {
  const value = parseJson(bytes, label);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(
      `${label}: expected a JSON object, found ${JSON.stringify(value)?.slice(0, 60)}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Keras 3 builds the layers of a deserialized model one by one (`build_from_config`), outside the
 * name scopes of the model and of wrapper layers, so their variable paths start at the innermost
 * layer (`forward_lstm/lstm_cell/kernel`, `dense/kernel`; see keras-wild `stock_bilstm_keras3`).
 * This holds for a `.keras` archive and for `model_from_json` of a Keras 3 config alike.
 * Recurrent layers, stacked cells and MultiHeadAttention keep their scope: they open it
 * themselves when they build their cells or projections.
 */
export function useDeserializedVariablePaths(model: Model): void {
  const visit = (layer: Layer): void => {
    const keepsScope = layer instanceof RNN || layer instanceof StackedRNNCells ||
      layer instanceof MultiHeadAttention;
    if (layer.children().length > 0 && !keepsScope) layer.scopesVariablePaths = false;
    for (const [, child] of layer.children()) {
      for (const c of Array.isArray(child) ? child : [child]) visit(c);
    }
  };
  model.scopesVariablePaths = false;
  for (const layer of model.layers) visit(layer);
}
