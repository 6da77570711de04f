/**
 * A worker serving a test double of the control API beside a minimal data plane (tests of
 * `_control.ts` only). `load` waits `JSON.parse(json).delayMs` milliseconds (forever when
 * negative), writes `handle` into float 1 of the shared weights and answers with float 0 of them;
 * `setup` with any URL throws a `SetupModuleError`; `resetStates` throws a `RangeError`, or a
 * string for a negative handle; `unload(99)` answers a function, which cannot be cloned. A
 * `kerno: "run"` message is answered with `kerno: "done"` and the same `jobId` (and, to show that
 * only the tag tells the planes apart, the `id`, `ok` and `value` of a control reply).
 *
 * @module
 */
import { type ControlApi, type ControlEndpoint, exposeControl } from "../_control.ts";

class SetupModuleError extends Error {
  override name = "SetupModuleError";
}

const scope = globalThis as unknown as ControlEndpoint;

const api: ControlApi = {
  setup(urls) {
    if (urls.length === 0) return Promise.resolve(null);
    return Promise.reject(new SetupModuleError(`cannot import ${urls.join(", ")}`));
  },
  async load(handle, json, _options, weights) {
    const { delayMs } = JSON.parse(json) as { delayMs: number };
    await new Promise((resolve) => delayMs >= 0 && setTimeout(resolve, delayMs));
    const floats = new Float32Array(weights);
    floats[1] = handle;
    return [`model ${handle}`, `weight 0 is ${floats[0]}`];
  },
  unload(handle) {
    if (handle === 99) return (() => {}) as unknown as void;
  },
  resetStates(handle) {
    if (handle < 0) throw `no state for ${handle}`;
    throw new RangeError(`Model ${handle} is not loaded in this worker`);
  },
  ping: () => "pong",
};

exposeControl(api, scope);
scope.addEventListener("message", (ev: MessageEvent) => {
  const m = ev.data as { kerno?: string; jobId?: number };
  if (m?.kerno !== "run") return;
  // Shaped like a control reply to the call with the same number, but tagged "done".
  scope.postMessage({
    kerno: "done",
    jobId: m.jobId,
    results: null,
    id: m.jobId,
    ok: true,
    value: [],
  });
});
scope.postMessage({ kerno: "ready" });
