/**
 * A pool worker serving {@linkcode StubModel}s (tests only).
 *
 * @module
 */
import { serveWorker } from "../_worker_core.ts";
import { stubFromJSON } from "./stub_model.ts";

serveWorker((json) => stubFromJSON(json));
