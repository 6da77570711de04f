/**
 * The pool's worker, as a second bundle entry beside `app.ts` (`deno task build:browser` makes
 * `dist/worker.js`; the page passes its URL as `workerUrl`).
 *
 * @module
 */
import "@kerno/kerno/worker";
