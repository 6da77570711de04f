/**
 * The `kerno` executable: `deno run -A main.ts <command> …` (or `deno task kerno …` at the
 * repository root). Importing this module runs nothing; it re-exports {@linkcode main}.
 *
 * @example
 * ```sh
 * deno run -A packages/cli/main.ts predict --model m.keras --input x.npy --output y.npy
 * ```
 *
 * @module
 */
import { main } from "./mod.ts";

export { main, type MainOptions, type TextSink, VERSION } from "./mod.ts";

if (import.meta.main) {
  // `deno task kerno` runs in the repository root and passes the caller's folder (its INIT_CWD)
  // as KERNO_CWD: paths are the user's, from where they stand.
  const canRead = Deno.permissions.querySync({ name: "env", variable: "KERNO_CWD" });
  const userCwd = canRead.state === "granted" ? Deno.env.get("KERNO_CWD") : undefined;
  if (userCwd) Deno.chdir(userCwd);
  Deno.exit(await main(Deno.args));
}
