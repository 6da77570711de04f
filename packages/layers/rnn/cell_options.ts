import {
  type ActivationSpec,
  keras2HardSigmoidRequested,
  resolveActivation,
  type ResolvedActivation,
} from "../activations.ts";
import type { ConfigReader } from "../config_reader.ts";
import type { Initializer } from "../initializer.ts";
import type { LayerOptions } from "../layer.ts";
import type { DeserializeOptions } from "../registry.ts";
import { getInitializer, type InitializerSpec, serializeInitializer } from "../initializers/mod.ts";

/** Options every built-in cell takes (Keras's arguments, camelCase). */
export interface CellOptions extends LayerOptions {
  /** Output activation (default `"tanh"`); `null` means linear. */
  activation?: ActivationSpec;
  /**
   * Run `hard_sigmoid` as Keras 2 defined it, clip(0.2x + 0.5, 0, 1), instead of Keras 3's
   * clip(x/6 + 0.5, 0, 1) (loaders set it for files written by Keras 2; the config still says
   * `hard_sigmoid`).
   */
  keras2HardSigmoid?: boolean;
  /** Whether the cell has a bias (default true). */
  useBias?: boolean;
  /** Initializer of `kernel` (default `"glorot_uniform"`). */
  kernelInitializer?: InitializerSpec;
  /** Initializer of `recurrent_kernel` (default `"orthogonal"`). */
  recurrentInitializer?: InitializerSpec;
  /** Initializer of `bias` (default `"zeros"`). */
  biasInitializer?: InitializerSpec;
  /** Training only: kept in the config, no effect at inference. */
  kernelRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  recurrentRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  biasRegularizer?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  kernelConstraint?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  recurrentConstraint?: unknown;
  /** Training only: kept in the config, no effect at inference. */
  biasConstraint?: unknown;
  /** Input dropout rate; training only (clamped to [0, 1] as Keras does). */
  dropout?: number;
  /** Recurrent dropout rate; training only (clamped to [0, 1]). */
  recurrentDropout?: number;
  /** Seed of the dropout masks (kept in the config). */
  seed?: number | null;
}

/** Options of the gated cells (LSTM, GRU): a second activation for the gates. */
export interface GatedCellOptions extends CellOptions {
  /** Gate activation (default `"sigmoid"`); `null` means linear. */
  recurrentActivation?: ActivationSpec;
}

/** The resolved arguments every built-in cell shares. Internal to `rnn/`. */
export class CellArgs {
  /** Number of units. */
  readonly units: number;
  /** Output activation. */
  readonly activation: ResolvedActivation;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** Initializer of the kernel. */
  readonly kernelInitializer: Initializer;
  /** Initializer of the recurrent kernel. */
  readonly recurrentInitializer: Initializer;
  /** Initializer of the bias. */
  readonly biasInitializer: Initializer;
  /** Training-only values, kept for the config: regularizers and constraints. */
  readonly trainingOnly: Readonly<Record<string, unknown>>;
  /** Dropout rate (no effect at inference). */
  readonly dropout: number;
  /** Recurrent dropout rate (no effect at inference). */
  readonly recurrentDropout: number;
  /** Dropout seed. */
  readonly seed: number | null;
  /** Whether `hard_sigmoid` runs as Keras 2's 0.2x + 0.5. */
  readonly keras2HardSigmoid: boolean;

  /** Resolves `options`; `units` must be a positive integer. */
  constructor(className: string, units: number, options: CellOptions) {
    if (!Number.isInteger(units) || units <= 0) {
      throw new RangeError(
        `${className}: received an invalid value for argument \`units\`, expected a positive ` +
          `integer, got ${units}`,
      );
    }
    this.units = units;
    this.keras2HardSigmoid = options.keras2HardSigmoid ?? false;
    this.activation = this.resolve(options.activation, "tanh");
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? "glorot_uniform");
    this.recurrentInitializer = getInitializer(options.recurrentInitializer ?? "orthogonal");
    this.biasInitializer = getInitializer(options.biasInitializer ?? "zeros");
    this.trainingOnly = {
      kernel_regularizer: options.kernelRegularizer ?? null,
      recurrent_regularizer: options.recurrentRegularizer ?? null,
      bias_regularizer: options.biasRegularizer ?? null,
      kernel_constraint: options.kernelConstraint ?? null,
      recurrent_constraint: options.recurrentConstraint ?? null,
      bias_constraint: options.biasConstraint ?? null,
    };
    this.dropout = clampRate(options.dropout ?? 0);
    this.recurrentDropout = clampRate(options.recurrentDropout ?? 0);
    this.seed = options.seed ?? null;
  }

  /** `kernel_initializer`, `recurrent_initializer`, `bias_initializer`, serialized. */
  initializersConfig(): Record<string, unknown> {
    return {
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
    };
  }

  /**
   * Regularizers, constraints and dropout rates in Keras's key order. Layers (not cells) also
   * write `activity_regularizer` after the bias regularizer.
   */
  trainingConfig(activityRegularizer?: unknown): Record<string, unknown> {
    const t = this.trainingOnly;
    const out: Record<string, unknown> = {
      kernel_regularizer: t.kernel_regularizer,
      recurrent_regularizer: t.recurrent_regularizer,
      bias_regularizer: t.bias_regularizer,
    };
    if (activityRegularizer !== undefined) out.activity_regularizer = activityRegularizer;
    out.kernel_constraint = t.kernel_constraint;
    out.recurrent_constraint = t.recurrent_constraint;
    out.bias_constraint = t.bias_constraint;
    out.dropout = this.dropout;
    out.recurrent_dropout = this.recurrentDropout;
    return out;
  }

  /** The Keras name written for the output activation. */
  get activationName(): string {
    return this.activation.name;
  }

  /** Resolves an activation spec (`undefined` → `fallback`, `null` → linear). */
  resolve(spec: ActivationSpec, fallback: string): ResolvedActivation {
    return resolveActivation(spec === undefined ? fallback : spec, {
      keras2HardSigmoid: this.keras2HardSigmoid,
    });
  }
}

function clampRate(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/**
 * An activation as a config holds it: a name, `null`, or a serialized object (resolved by
 * `resolveActivation`); absent means `fallback`.
 */
export function readActivation(r: ConfigReader, key: string, fallback: string): ActivationSpec {
  const v = r.raw(key);
  if (v === undefined) return fallback;
  if (v === null || typeof v === "string" || (typeof v === "object" && "class_name" in v)) {
    return v as ActivationSpec;
  }
  throw new TypeError(
    `${r.className} layer "${r.layerName}", config key "${key}": expected an activation name, ` +
      `received ${JSON.stringify(v)}`,
  );
}

function readInitializer(r: ConfigReader, key: string): InitializerSpec | undefined {
  const v = r.raw(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string" || (typeof v === "object" && "class_name" in v)) {
    return v as InitializerSpec;
  }
  throw new TypeError(
    `${r.className} layer "${r.layerName}", config key "${key}": expected an initializer, ` +
      `received ${JSON.stringify(v)}`,
  );
}

/**
 * Reads the cell arguments every built-in cell and layer shares from a Keras config; the
 * deserialize `options` say whether `hard_sigmoid` means Keras 2's.
 */
export function readCellOptions(r: ConfigReader, options: DeserializeOptions): CellOptions {
  const opts: CellOptions = {
    keras2HardSigmoid: keras2HardSigmoidRequested(options),
    activation: readActivation(r, "activation", "tanh"),
    useBias: r.boolean("use_bias", true),
    kernelInitializer: readInitializer(r, "kernel_initializer"),
    recurrentInitializer: readInitializer(r, "recurrent_initializer"),
    biasInitializer: readInitializer(r, "bias_initializer"),
    kernelRegularizer: r.raw("kernel_regularizer"),
    recurrentRegularizer: r.raw("recurrent_regularizer"),
    biasRegularizer: r.raw("bias_regularizer"),
    kernelConstraint: r.raw("kernel_constraint"),
    recurrentConstraint: r.raw("recurrent_constraint"),
    biasConstraint: r.raw("bias_constraint"),
    dropout: r.number("dropout", 0),
    recurrentDropout: r.number("recurrent_dropout", 0),
  };
  const seed = r.raw("seed");
  if (seed !== undefined && seed !== null) {
    if (typeof seed !== "number" || !Number.isInteger(seed)) {
      throw new TypeError(
        `${r.className} layer "${r.layerName}", config key "seed": expected an integer or ` +
          `null, received ${JSON.stringify(seed)}`,
      );
    }
    opts.seed = seed;
  }
  return opts;
}

/**
 * The part of a recurrent layer's options that goes to its cell: the cell arguments plus
 * `trainable` and `dtype`; the layer-only keys (name, shapes, RNN flags) stay with the layer.
 */
export function cellOnlyOptions<T extends CellOptions>(options: T): T {
  const out: Record<string, unknown> = { ...options } as Record<string, unknown>;
  for (
    const k of [
      "name",
      "inputShape",
      "batchSize",
      "batchInputShape",
      "returnSequences",
      "returnState",
      "goBackwards",
      "stateful",
      "unroll",
      "zeroOutputForMask",
      "activityRegularizer",
      "useCudnn",
    ]
  ) delete out[k];
  return out as T;
}

/** Keras's check of `use_cudnn` (accepted for parity; Kerno has one CPU implementation). */
export function checkUseCudnn(layer: string, value: unknown): void {
  if (value === undefined || value === null || value === "auto" || typeof value === "boolean") {
    return;
  }
  throw new RangeError(
    `Layer "${layer}": Invalid value received for argument \`use_cudnn\`. Expected one of ` +
      `{'auto', True, False}. Received: use_cudnn=${String(value)}`,
  );
}
