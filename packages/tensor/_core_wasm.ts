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

/**
 * A gate update: `batch` rows of `u` units, projections at `proj` (`projStride` bytes apart),
 * mask bytes at `mask` (0: none), `maskStride` apart, then up to four arguments of its own.
 */
export type RowKernel = (
  batch: number,
  u: number,
  proj: number,
  projStride: number,
  mask: number,
  maskStride: number,
  a: number,
  b: number,
  c?: number,
  d?: number,
) => void;

/** The core's exports; every address and stride in bytes. */
export interface CoreExports {
  act(code: number, ptr: number, n: number): void;
  // deno-fmt-ignore
  sgemm(m: number, panels: number, k: number, a: number, lda: number, b: number, bs: number, c: number, ldc: number, mode: number, bias: number): void;
  /** The gate updates: the rows' arguments first, then each kernel's own (see `_rnn_gates_wasm.ts`). */
  lstmGates: RowKernel;
  gruResetAfter: RowKernel;
  gruResetBefore: RowKernel;
  gruFinish: RowKernel;
  simpleRnnUpdate: RowKernel;
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
