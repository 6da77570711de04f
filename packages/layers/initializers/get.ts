import type { Initializer } from "../initializer.ts";
import { InitConfig } from "./_config.ts";
import { Constant, Identity, Ones, Zeros } from "./constant.ts";
import { Orthogonal } from "./orthogonal.ts";
import { RandomNormal, RandomUniform, TruncatedNormal } from "./random.ts";
import {
  type FanMode,
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  type VarianceDistribution,
  VarianceScaling,
} from "./variance_scaling.ts";

/** A Keras initializer as a config holds it: a name or a `{class_name, config}` object. */
export type InitializerSpec =
  | string
  | { class_name: string; config?: Record<string, unknown>; module?: string | null }
  | Initializer;

/** The Keras 3 serialization envelope of an initializer. */
export interface SerializedInitializer {
  /** Always `keras.initializers`. */
  module: string;
  /** Keras class name, e.g. `GlorotUniform`. */
  class_name: string;
  /** The initializer's config. */
  config: Record<string, unknown>;
  /** Always `null` (built-in class). */
  registered_name: null;
}

type Factory = (c: InitConfig, defaultSeed: number | undefined) => Initializer;

function fans(c: InitConfig) {
  return { inputAxes: c.axes("input_axes"), outputAxes: c.axes("output_axes") };
}

const FACTORIES: Record<string, Factory> = {
  Zeros: () => new Zeros(),
  Ones: () => new Ones(),
  Constant: (c) => new Constant(c.number("value", 0)),
  Identity: (c) => new Identity(c.number("gain", 1)),
  RandomNormal: (c, d) =>
    new RandomNormal({
      seed: c.seed(),
      defaultSeed: d,
      mean: c.number("mean", 0),
      stddev: c.number("stddev", 0.05),
    }),
  TruncatedNormal: (c, d) =>
    new TruncatedNormal({
      seed: c.seed(),
      defaultSeed: d,
      mean: c.number("mean", 0),
      stddev: c.number("stddev", 0.05),
    }),
  RandomUniform: (c, d) =>
    new RandomUniform({
      seed: c.seed(),
      defaultSeed: d,
      minval: c.number("minval", -0.05),
      maxval: c.number("maxval", 0.05),
    }),
  VarianceScaling: (c, d) =>
    new VarianceScaling({
      seed: c.seed(),
      defaultSeed: d,
      scale: c.number("scale", 1),
      mode: c.string("mode", "fan_in") as FanMode,
      distribution: c.string("distribution", "truncated_normal") as VarianceDistribution,
      ...fans(c),
    }),
  GlorotUniform: (c, d) => new GlorotUniform({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  GlorotNormal: (c, d) => new GlorotNormal({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  HeUniform: (c, d) => new HeUniform({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  HeNormal: (c, d) => new HeNormal({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  LecunUniform: (c, d) => new LecunUniform({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  LecunNormal: (c, d) => new LecunNormal({ seed: c.seed(), defaultSeed: d, ...fans(c) }),
  Orthogonal: (c, d) =>
    new Orthogonal({ seed: c.seed(), defaultSeed: d, gain: c.number("gain", 1) }),
};

/** Keras's names for the initializer classes: snake_case forms and legacy aliases. */
const ALIASES: Record<string, string> = {
  zeros: "Zeros",
  zero: "Zeros",
  ones: "Ones",
  one: "Ones",
  constant: "Constant",
  identity: "Identity",
  IdentityInitializer: "Identity",
  random_normal: "RandomNormal",
  normal: "RandomNormal",
  truncated_normal: "TruncatedNormal",
  random_uniform: "RandomUniform",
  uniform: "RandomUniform",
  variance_scaling: "VarianceScaling",
  glorot_uniform: "GlorotUniform",
  glorot_normal: "GlorotNormal",
  he_uniform: "HeUniform",
  he_normal: "HeNormal",
  lecun_uniform: "LecunUniform",
  lecun_normal: "LecunNormal",
  orthogonal: "Orthogonal",
  OrthogonalInitializer: "Orthogonal",
};

/** The initializer names Kerno knows: Keras class names and their aliases, sorted. */
export function initializerNames(): string[] {
  return [...Object.keys(FACTORIES), ...Object.keys(ALIASES)].sort();
}

function isInitializer(value: unknown): value is Initializer {
  return typeof value === "object" && value !== null &&
    typeof (value as Initializer).generate === "function";
}

/**
 * Resolves a Keras initializer: a name (`"glorot_uniform"`, `"Zeros"`), a serialized
 * `{class_name, config}` object (Keras 3 or Keras 2 form), or an initializer instance (returned
 * as is). Every config key is read or refused by name; unknown classes are refused with the list
 * of supported names.
 *
 * `seed` is used by random initializers whose config has no seed (it is not written back to the
 * config); without it they draw one from the process-wide stream (`setInitializerSeed`).
 *
 * @example
 * ```ts
 * import { getInitializer } from "@kerno/layers";
 * const a = getInitializer("glorot_uniform");
 * const b = getInitializer({ class_name: "RandomUniform", config: { minval: -1, maxval: 1 } }, 7);
 * b.generate([2, 2]);
 * ```
 */
export function getInitializer(spec: InitializerSpec, seed?: number): Initializer {
  if (isInitializer(spec)) return spec;
  let name: string;
  let config: Record<string, unknown> | undefined;
  if (typeof spec === "string") {
    name = spec;
  } else if (typeof spec === "object" && spec !== null && typeof spec.class_name === "string") {
    name = spec.class_name;
    config = spec.config;
    if (config !== undefined && (typeof config !== "object" || config === null)) {
      throw new TypeError(
        `Initializer ${name}: expected a config object, received ${JSON.stringify(config)}`,
      );
    }
  } else {
    throw new TypeError(
      `Expected an initializer name or {class_name, config}, received ${
        JSON.stringify(spec)?.slice(0, 120)
      }`,
    );
  }
  const className = ALIASES[name] ?? name;
  const factory = Object.hasOwn(FACTORIES, className) ? FACTORIES[className] : undefined;
  if (!factory) {
    throw new TypeError(
      `Unknown initializer "${name}". Kerno supports: ${initializerNames().join(", ")}`,
    );
  }
  const reader = new InitConfig(className, config);
  const init = factory(reader, seed);
  reader.done();
  return init;
}

/**
 * The Keras 3 serialization of an initializer, as layer configs hold it:
 * `{module: "keras.initializers", class_name, config, registered_name: null}`.
 *
 * @example
 * ```ts
 * import { getInitializer, serializeInitializer } from "@kerno/layers";
 * serializeInitializer(getInitializer("zeros"));
 * // { module: "keras.initializers", class_name: "Zeros", config: {}, registered_name: null }
 * ```
 */
export function serializeInitializer(init: Initializer): SerializedInitializer {
  return {
    module: "keras.initializers",
    class_name: init.className,
    config: init.getConfig(),
    registered_name: null,
  };
}
