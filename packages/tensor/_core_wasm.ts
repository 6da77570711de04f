/**
 * The compiled WebAssembly compute core: the activation function, the float32 product and the
 * recurrent gate updates, in one module over the memory of `_gemm_wasm_heap.ts`.
 *
 * @module
 */
import { wasmModule } from "./_gemm_wasm_asm.ts";
import { memory, VEC_TAIL } from "./_gemm_wasm_heap.ts";
import { WasmFn } from "./_wasm_fn.ts";
import { activationFunction } from "./_vector_activations_wasm.ts";
import { sgemmFunction } from "./_sgemm_wasm.ts";
import {
  gruFinishFunction,
  gruResetAfterFunction,
  gruResetBeforeFunction,
  lstmGatesFunction,
  simpleRnnUpdateFunction,
} from "./_rnn_gates_wasm.ts";

/** The core's exports; every address and stride in bytes. */
export interface CoreExports {
  act(code: number, ptr: number, n: number): void;
  // deno-fmt-ignore
  sgemm(m: number, panels: number, k: number, a: number, lda: number, b: number, bs: number, c: number, ldc: number, mode: number, bias: number): void;
  // deno-fmt-ignore
  lstmGates(batch: number, u: number, proj: number, projStride: number, h: number, c: number, mask: number, maskStride: number, gate: number, act: number): void;
  // deno-fmt-ignore
  gruResetAfter(batch: number, u: number, proj: number, projStride: number, rec: number, h: number, mask: number, maskStride: number, gate: number, act: number): void;
  // deno-fmt-ignore
  gruResetBefore(batch: number, u: number, proj: number, projStride: number, rec: number, h: number, rh: number, mask: number, maskStride: number, gate: number): void;
  // deno-fmt-ignore
  gruFinish(batch: number, u: number, proj: number, projStride: number, h: number, mask: number, maskStride: number, act: number): void;
  // deno-fmt-ignore
  simpleRnnUpdate(batch: number, u: number, proj: number, projStride: number, h: number, mask: number, maskStride: number, act: number): void;
}

function actFunction() {
  const f = new WasmFn("act", 3);
  activationFunction(f, VEC_TAIL);
  return f.build();
}

/** The core, or null where WebAssembly SIMD is unavailable. */
export const coreExports: CoreExports | null = (() => {
  if (memory === null) return null;
  try {
    const bytes = wasmModule([
      actFunction(), // index 0: called by the gate functions
      sgemmFunction(),
      lstmGatesFunction(),
      gruResetAfterFunction(),
      gruResetBeforeFunction(),
      gruFinishFunction(),
      simpleRnnUpdateFunction(),
    ]);
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as CoreExports;
  } catch {
    return null;
  }
})();
