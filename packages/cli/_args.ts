/**
 * Command-line plumbing shared by the commands: option values that start with a dash.
 *
 * @module
 */

/**
 * Joins a value that starts with a dash to its option (`-w -1` becomes `--workers=-1`), so
 * `parseArgs` hands it to the option's own check instead of calling the argument ambiguous.
 * Only negative numbers are joined: `-w -q` still reads as two options.
 *
 * @example
 * ```ts
 * import { joinDashValues } from "./_args.ts";
 * joinDashValues(["-w", "-1"], { w: "workers" }); // ["--workers=-1"]
 * ```
 */
export function joinDashValues(args: readonly string[], valued: Record<string, string>): string[] {
  const flags = new Map<string, string>();
  for (const [short, name] of Object.entries(valued)) {
    flags.set(`-${short}`, name);
    flags.set(`--${name}`, name);
  }
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const name = flags.get(a);
    const next = args[i + 1];
    if (name !== undefined && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}
