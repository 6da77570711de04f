/**
 * Reads an initializer's Keras config key by key: every key is used or refused by name.
 * Internal to `initializers/`.
 */
export class InitConfig {
  readonly #className: string;
  readonly #config: Record<string, unknown>;
  readonly #used = new Set<string>();

  /** Wraps `config` of the initializer class `className`. */
  constructor(className: string, config: Record<string, unknown> | undefined) {
    this.#className = className;
    this.#config = config ?? {};
  }

  #where(key: string): string {
    return `Initializer ${this.#className}, config key "${key}"`;
  }

  /** A number, or `fallback` when absent or null. */
  number(key: string, fallback: number): number {
    this.#used.add(key);
    const v = this.#config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new TypeError(`${this.#where(key)}: expected a number, received ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** A string, or `fallback` when absent or null. */
  string(key: string, fallback: string): string {
    this.#used.add(key);
    const v = this.#config[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string") {
      throw new TypeError(`${this.#where(key)}: expected a string, received ${JSON.stringify(v)}`);
    }
    return v;
  }

  /** The `seed`: an integer or null. A serialized SeedGenerator is refused. */
  seed(): number | null {
    this.#used.add("seed");
    const v = this.#config.seed;
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new TypeError(
        `${this.#where("seed")}: expected an integer or null, received ${JSON.stringify(v)}`,
      );
    }
    return v;
  }

  /** A list of integer axes, or null (`input_axes`, `output_axes`). */
  axes(key: string): number[] | null {
    this.#used.add(key);
    const v = this.#config[key];
    if (v === undefined || v === null) return null;
    const list = typeof v === "number" ? [v] : v;
    if (!Array.isArray(list) || list.some((a) => typeof a !== "number" || !Number.isInteger(a))) {
      throw new TypeError(
        `${this.#where(key)}: expected a list of integer axes or null, received ${
          JSON.stringify(v)
        }`,
      );
    }
    return list as number[];
  }

  /** Refuses every key nobody read; `dtype: "float32"` (old tf.keras files) is tolerated. */
  done(): void {
    for (const key of Object.keys(this.#config)) {
      if (this.#used.has(key)) continue;
      const v = this.#config[key];
      if (key === "dtype" && (v === null || v === "float32")) continue;
      throw new TypeError(
        `Initializer ${this.#className}: unsupported argument "${key}" = ${
          JSON.stringify(v)
        } (Kerno refuses arguments it does not implement rather than ignore them)`,
      );
    }
  }
}
