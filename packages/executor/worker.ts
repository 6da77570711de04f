/**
 * The pool's worker entry: imports the pool's setup modules (Lambda bodies and layer classes of
 * the user's), then serves the pool protocol with models rebuilt by `@kerno/model`'s
 * `modelFromJSON`. `WorkerPool` starts it; import it only as a bundle entry point of its own
 * (for a browser build), then pass the bundled file's URL as `PoolOptions.workerUrl`.
 *
 * @module
 */
import { findLambdaLayers, modelFromJSON } from "@kerno/model";
import { serveWorker } from "./_worker_core.ts";
import { importSetup, type PoolSetup, setupReport } from "./setup.ts";

let supplied: Required<PoolSetup> = { lambdas: {}, customObjects: {} };

serveWorker(
  (json, options) => {
    const config = JSON.parse(json);
    // The setup may serve several models: give this one the bodies of its own Lambda layers.
    const lambdas = Object.fromEntries(
      findLambdaLayers(config).filter((l) => Object.hasOwn(supplied.lambdas, l.name))
        .map((l) => [l.name, supplied.lambdas[l.name]]),
    );
    return modelFromJSON(config, { ...options, lambdas, customObjects: supplied.customObjects });
  },
  async (urls) => {
    supplied = await importSetup(urls);
    return setupReport(urls, supplied);
  },
);
