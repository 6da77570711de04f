/**
 * How the WebAssembly compute core rounds its multiply-adds.
 *
 * By default the core's product, activations and LSTM cell update use fused multiply-adds
 * (WebAssembly's `relaxed_madd`): on a CPU with FMA (every x86-64 CPU since 2013, every arm64
 * CPU) each `a·b + c` is rounded once, which takes fewer instructions and is at least as
 * accurate. Results are then the same on every such CPU, and bit-identical across the worker
 * pool, but a CPU without FMA rounds the product first and differs in the last bits.
 * {@linkcode useDeterministicArithmetic} (or the environment variable `KERNO_DETERMINISTIC=1`)
 * selects the other build of the core, which rounds every product and sum separately: the same
 * bits on every CPU, at some cost in speed.
 *
 * @module
 */
import { type CoreExports, coreExports, fusedCoreExports } from "./_core_wasm.ts";
import { f32View, heapAlloc, heapFree } from "./_gemm_wasm_heap.ts";

/**
 * What the compute core does for `a·b + c`: `"fused"`, one rounding (a fused multiply-add), or
 * `"separate"`, a rounded product then a rounded sum.
 */
export type CoreArithmetic = "fused" | "separate";

let deterministic: boolean | null = null;
let fuses: boolean | null = null;

function deterministicFromEnv(): boolean {
  if (typeof Deno === "undefined") return false;
  try {
    const name = "KERNO_DETERMINISTIC";
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return false;
    }
    const v = (Deno.env.get(name) ?? "").trim().toLowerCase();
    return v === "1" || v === "true" || v === "on";
  } catch {
    return false;
  }
}

/**
 * Whether the core runs in deterministic mode: every product and sum rounded separately, the
 * same bits on every CPU. Off by default; on when {@linkcode useDeterministicArithmetic} set it
 * or the environment variable `KERNO_DETERMINISTIC` is `1`, `true` or `on` (read when the env
 * permission is granted).
 *
 * @example
 * ```ts
 * import { deterministicArithmetic } from "@kerno/tensor";
 * typeof deterministicArithmetic(); // "boolean"
 * ```
 */
export function deterministicArithmetic(): boolean {
  if (deterministic === null) deterministic = deterministicFromEnv();
  return deterministic;
}

/**
 * Switches deterministic mode on or off and returns the previous setting. The worker pool
 * follows the setting of the thread that calls it, so its results stay bit-identical to a
 * single thread's in either mode.
 *
 * @example Results that do not depend on whether the CPU has FMA
 * ```ts
 * import { coreArithmetic, useDeterministicArithmetic } from "@kerno/tensor";
 * const was = useDeterministicArithmetic(true);
 * coreArithmetic(); // "separate"
 * useDeterministicArithmetic(was);
 * ```
 */
export function useDeterministicArithmetic(on: boolean): boolean {
  const was = deterministicArithmetic();
  deterministic = on;
  return was;
}

/**
 * Runs `fn` in deterministic mode or not (nothing changes when `on` is `undefined`), then
 * restores the previous setting.
 *
 * @example
 * ```ts
 * import { coreArithmetic, withDeterministicArithmetic } from "@kerno/tensor";
 * withDeterministicArithmetic(true, () => coreArithmetic()); // "separate"
 * ```
 */
export function withDeterministicArithmetic<T>(on: boolean | undefined, fn: () => T): T {
  if (on === undefined) return fn();
  const was = useDeterministicArithmetic(on);
  try {
    return fn();
  } finally {
    deterministic = was;
  }
}

/** Whether this runtime and CPU round `relaxed_madd` once (measured once, on first use). */
function cpuFusesMultiplyAdd(): boolean {
  if (fuses !== null) return fuses;
  fuses = false;
  if (fusedCoreExports === null) return fuses;
  // a·a = 1 + 2⁻¹¹ + 2⁻²⁴ exactly; rounded first (a tie, to even) it is 1 + 2⁻¹¹, so the sum
  // with −(1 + 2⁻¹¹) is 2⁻²⁴ only when the product is not rounded.
  const a = 1 + 2 ** -12, c = -(1 + 2 ** -11);
  const at = heapAlloc(64);
  try {
    const f32 = f32View();
    f32.set([a, a, a, a, a, a, a, a, c, c, c, c], at / 4);
    fusedCoreExports.madd(at);
    fuses = f32View()[at / 4 + 12] !== 0;
  } finally {
    heapFree(at, 64);
  }
  return fuses;
}

/**
 * What the compute core's multiply-adds do now: `"fused"` unless deterministic mode is on, or
 * the runtime lacks relaxed SIMD, or the CPU has no fused multiply-add (then the fused build
 * would round separately anyway).
 *
 * @example
 * ```ts
 * import { coreArithmetic } from "@kerno/tensor";
 * ["fused", "separate"].includes(coreArithmetic()); // true
 * ```
 */
export function coreArithmetic(): CoreArithmetic {
  return !deterministicArithmetic() && cpuFusesMultiplyAdd() ? "fused" : "separate";
}

/** The build of the core that {@linkcode coreArithmetic} selects, or null without SIMD. */
export function activeCoreExports(): CoreExports | null {
  return coreArithmetic() === "fused" ? fusedCoreExports : coreExports;
}
