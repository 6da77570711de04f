import type { DeserializeOptions } from "./registry.ts";

/** Keys Keras writes on every layer that Kerno reads or can ignore at inference. */
const BASE_KEYS = new Set(["name", "trainable", "dtype", "batch_input_shape", "batch_size"]);

/** Keys old files carry that are harmless at inference, with the value Kerno accepts. */
const LEGACY_KEYS: Record<string, (value: unknown) => boolean> = {
  time_major: (v) => v === false,
  implementation: () => true,
  input_length: () => true,
  input_dim: () => true,
};

/**
 * Reads a Keras layer config key by key, so that every key is either used or refused: `done()`
 * throws for any key nobody read (naming the layer, class and key), drops known-harmless legacy
 * keys with a note, and so never ignores an argument silently.
 *
 * @example
 * ```ts ignore
 * const r = new ConfigReader("LSTM", config, options);
 * const units = r.number("units");
 * r.done();
 * ```
 */
export class ConfigReader {
  /** The Keras class being read. */
  readonly className: string;
  private readonly config: Record<string, unknown>;
  private readonly used = new Set<string>(BASE_KEYS);
  private readonly options: DeserializeOptions;

  /** Wraps `config` of a `className` layer. */
  constructor(
    className: string,
    config: Record<string, unknown>,
    options: DeserializeOptions = {},
  ) {
    this.className = className;
    this.config = config;
    this.options = options;
  }

  /** The layer name in the config, for error messages. */
  get layerName(): string {
    return typeof this.config.name === "string" ? this.config.name : "(unnamed)";
  }

  #where(key: string): string {
    return `${this.className} layer "${this.layerName}", config key "${key}"`;
  }

  /** True when the key is present (and not null). */
  has(key: string): boolean {
    return this.config[key] !== undefined && this.config[key] !== null;
  }

  /** The raw value of a key, marked as read. */
  raw(key: string): unknown {
    this.used.add(key);
    return this.config[key];
  }

  /** A number (or the default when absent or null). */
  number(key: string, fallback?: number): number {
    const v = this.raw(key);
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`${this.#where(key)}: expected a number, received ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A boolean (or the default when absent). */
  boolean(key: string, fallback: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "boolean") {
      throw new TypeError(
        `${this.#where(key)}: expected true or false, received ${JSON.stringify(v)}`,
      );
    }
    return v;
  }

  /** A string (or the default when absent or null). */
  string(key: string, fallback?: string): string {
    const v = this.raw(key);
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== "string") {
      throw new TypeError(`${this.#where(key)}: expected a string, received ${JSON.stringify(v)}`);
    }
    return v;
  }

  /**
   * A key that only matters for training (regularizers, constraints): read and accepted,
   * documented as having no effect at inference.
   */
  trainingOnly(...keys: string[]): void {
    for (const k of keys) this.raw(k);
  }

  /** The base-layer options every layer constructor takes. */
  baseOptions(): { name?: string; trainable?: boolean; batchInputShape?: (number | null)[] } {
    const out: { name?: string; trainable?: boolean; batchInputShape?: (number | null)[] } = {};
    if (typeof this.config.name === "string") out.name = this.config.name;
    if (typeof this.config.trainable === "boolean") out.trainable = this.config.trainable;
    const bis = this.config.batch_input_shape ?? this.config.batch_shape;
    if (Array.isArray(bis)) out.batchInputShape = bis as (number | null)[];
    const dtype = this.config.dtype;
    const dtypeName = typeof dtype === "string"
      ? dtype
      : (dtype as { config?: { name?: string } } | null)?.config?.name;
    if (dtypeName !== undefined && dtypeName !== "float32") {
      throw new TypeError(
        `${this.className} layer "${this.layerName}": only dtype float32 is supported, received ${
          JSON.stringify(dtypeName)?.slice(0, 80)
        }`,
      );
    }
    return out;
  }

  /**
   * Ends reading: drops known-harmless legacy keys (noting each once) and refuses any other key
   * that was not read.
   */
  done(): void {
    for (const key of Object.keys(this.config)) {
      if (this.used.has(key)) continue;
      const legacy = LEGACY_KEYS[key];
      if (legacy && legacy(this.config[key])) {
        this.options.notes?.push(
          `${this.className} layer "${this.layerName}": dropped legacy key ${key}=${
            JSON.stringify(this.config[key])
          }`,
        );
        continue;
      }
      throw new TypeError(
        `${this.className} layer "${this.layerName}": unsupported argument "${key}" = ${
          JSON.stringify(this.config[key])
        } (Kerno refuses arguments it does not implement rather than ignore them)`,
      );
    }
  }
}
