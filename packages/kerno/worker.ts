/**
 * The `WorkerPool`'s worker module, as an entry point for browser builds. Bundle it next to your
 * own module (code splitting shares the library between the two) and tell the pool where it is:
 *
 * ```sh
 * deno bundle --platform browser --format esm --code-splitting --outdir dist app.ts worker.ts
 * ```
 *
 * where `worker.ts` holds `import "@kerno/kerno/worker";`, and in `app.ts`:
 *
 * ```ts ignore
 * const pool = await WorkerPool.create({ workerUrl: new URL("./worker.js", import.meta.url) });
 * ```
 *
 * @module
 */
import "@kerno/executor/worker";
