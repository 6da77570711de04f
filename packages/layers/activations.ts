import { type ActivationFn, getActivation } from "@kerno/tensor";

/** A Keras activation as a config holds it: a name, `null`, or a serialized function object. */
export type ActivationSpec =
  | string
  | null
  | undefined
  | { class_name: string; config?: unknown; module?: string | null };

/** An activation resolved to its Keras 3 name (for configs) and its in-place kernel. */
export interface ResolvedActivation {
  /** The name Keras 3 writes in a config (`swish` is written `silu`). */
  readonly name: string;
  /** Applies the activation in place over `length` values from `offset`. */
  readonly fn: ActivationFn;
}

/** Options of {@linkcode resolveActivation}. */
export interface ResolveActivationOptions {
  /**
   * Read `hard_sigmoid` as Keras 2 defined it, clip(0.2x + 0.5, 0, 1), instead of Keras 3's
   * clip(x/6 + 0.5, 0, 1). Loaders turn it on for files written by Keras 2. The name in the
   * config stays `hard_sigmoid`.
   */
  keras2HardSigmoid?: boolean;
}

/** Keras 3 activation names Kerno runs, mapped to the name Keras writes back. */
const CANONICAL: Record<string, string> = {
  linear: "linear",
  tanh: "tanh",
  sigmoid: "sigmoid",
  hard_sigmoid: "hard_sigmoid",
  relu: "relu",
  relu6: "relu6",
  leaky_relu: "leaky_relu",
  elu: "elu",
  selu: "selu",
  softplus: "softplus",
  softsign: "softsign",
  silu: "silu",
  swish: "silu",
  hard_silu: "hard_silu",
  hard_swish: "hard_silu",
  gelu: "gelu",
  softmax: "softmax",
  log_softmax: "log_softmax",
  exponential: "exponential",
  mish: "mish",
};

/** The activation names {@linkcode resolveActivation} accepts, sorted. */
export function activationNames(): string[] {
  return Object.keys(CANONICAL).sort();
}

function nameOf(spec: ActivationSpec): string {
  if (spec === null || spec === undefined) return "linear";
  if (typeof spec === "string") return spec;
  if (typeof spec === "object" && typeof spec.class_name === "string") {
    // Keras 3 writes a plain function as {class_name: "function", config: "relu"}.
    if (spec.class_name === "function" && typeof spec.config === "string") return spec.config;
    const cfg = spec.config;
    const emptyConfig = cfg === undefined || cfg === null ||
      (typeof cfg === "object" && Object.keys(cfg as object).length === 0);
    if (emptyConfig) return spec.class_name;
    throw new TypeError(
      `Activation ${spec.class_name} with a config (${
        JSON.stringify(cfg)
      }) is not supported; Kerno supports the built-in activations by name: ${
        activationNames().join(", ")
      }`,
    );
  }
  throw new TypeError(
    `Expected an activation name, null or {class_name, config}, received ${
      JSON.stringify(spec)?.slice(0, 120)
    }`,
  );
}

/**
 * Resolves a Keras activation to its kernel: `null`/`undefined` mean `linear`; Keras aliases map
 * to the name Keras 3 writes (`swish` → `silu`, `hard_swish` → `hard_silu`). An unknown name is
 * refused with a `RangeError` listing the supported ones.
 *
 * @example
 * ```ts
 * import { resolveActivation } from "@kerno/layers";
 * const act = resolveActivation("swish"); // act.name === "silu"
 * const x = new Float32Array([-1, 0, 1]);
 * resolveActivation("relu").fn(x, 0, 3, 3); // x is now [0, 0, 1]
 * const k2 = resolveActivation("hard_sigmoid", { keras2HardSigmoid: true }); // 0.2x + 0.5
 * ```
 */
export function resolveActivation(
  spec: ActivationSpec,
  options: ResolveActivationOptions = {},
): ResolvedActivation {
  const requested = nameOf(spec);
  const name = Object.hasOwn(CANONICAL, requested) ? CANONICAL[requested] : undefined;
  if (name === undefined) {
    throw new RangeError(
      `Unknown activation "${requested}". Kerno supports: ${activationNames().join(", ")}`,
    );
  }
  const kernel = name === "hard_sigmoid" && options.keras2HardSigmoid
    ? "hard_sigmoid_keras2"
    : name;
  return { name, fn: getActivation(kernel) };
}

/**
 * Whether `deserializeLayer` options ask for Keras 2's `hard_sigmoid`: loaders of files written
 * by Keras 2 pass `{ keras2HardSigmoid: true }` alongside the usual options, and every layer with
 * an activation reads it through this function.
 *
 * @example
 * ```ts
 * import { keras2HardSigmoidRequested } from "@kerno/layers";
 * keras2HardSigmoidRequested({ keras2HardSigmoid: true }); // true
 * keras2HardSigmoidRequested({}); // false
 * ```
 */
export function keras2HardSigmoidRequested(options: object | undefined): boolean {
  return (options as { keras2HardSigmoid?: unknown } | undefined)?.keras2HardSigmoid === true;
}
