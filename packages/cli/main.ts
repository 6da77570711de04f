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

if (import.meta.main) Deno.exit(await main(Deno.args));
