/**
 * The pool's worker entry: serves the pool protocol with models rebuilt by `@kerno/model`'s
 * `modelFromJSON`. Started by `WorkerPool`; not meant to be imported.
 *
 * @module
 */
import { modelFromJSON } from "@kerno/model";
import { serveWorker } from "./_worker_core.ts";

serveWorker((json, options) => modelFromJSON(json, options));
