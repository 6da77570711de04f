/**
 * The global `--limit NAME=VALUE` option: raises (or lowers) one of Kerno's limits for a command.
 *
 * @module
 */
import { currentLimits, DEFAULT_LIMITS, type Limits, mergeLimits } from "@kerno/layers";
import { UsageError } from "./_usage.ts";

const UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  kib: 2 ** 10,
  m: 1e6,
  mib: 2 ** 20,
  g: 1e9,
  gib: 2 ** 30,
};

/** Parses `8GiB`, `2e9`, `500` into a number. */
function parseAmount(text: string, name: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new UsageError(
      `--limit ${name}=${text}: expected a number, optionally with KiB, MiB or GiB`,
    );
  }
  return Number(m[1]) * unit;
}

/**
 * Takes every `--limit NAME=VALUE` out of `args` and returns the other arguments and the limits
 * they give (checked against the known names).
 */
export function takeLimitOptions(args: readonly string[]): { rest: string[]; limits: Limits } {
  const rest: string[] = [];
  const overrides: Partial<Limits> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let spec: string | undefined;
    if (a === "--limit") spec = args[++i];
    else if (a.startsWith("--limit=")) spec = a.slice("--limit=".length);
    else {
      rest.push(a);
      continue;
    }
    const [name, value] = (spec ?? "").split("=");
    if (!name || value === undefined || !(name in DEFAULT_LIMITS)) {
      throw new UsageError(
        `--limit expects NAME=VALUE with NAME one of ${
          Object.keys(DEFAULT_LIMITS).join(", ")
        }; received ${spec ?? "nothing"}`,
      );
    }
    overrides[name as keyof Limits] = parseAmount(value, name);
  }
  try {
    return { rest, limits: mergeLimits(currentLimits(), overrides) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
