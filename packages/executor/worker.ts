/**
 * The pool's worker entry: serves the pool protocol with models rebuilt by `@kerno/model`'s
 * `modelFromJSON`. `WorkerPool` starts it; import it only as a bundle entry point of its own
 * (for a browser build), then pass the bundled file's URL as `PoolOptions.workerUrl`.
 *
 * @module
 */
import { modelFromJSON } from "@kerno/model";
import { serveWorker } from "./_worker_core.ts";

serveWorker((json, options) => modelFromJSON(json, options));
