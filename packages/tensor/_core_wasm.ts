/**
 * The compiled WebAssembly compute core: the activation function, the float32 product and the
 * recurrent gate updates, in one module over the memory of `_gemm_wasm_heap.ts`. It is built
 * twice from the same emitters: with every product and sum rounded separately, and with the
 * multiply-adds fused (`relaxed_madd`, where the runtime has relaxed SIMD). Both instances
 * share the memory, so the same resident arrays serve either.
 *
 * @module
 */
import { op, wasmModule } from "./_gemm_wasm_asm.ts";
import { memory, VEC_TAIL } from "./_gemm_wasm_heap.ts";
import { WasmFn } from "./_wasm_fn.ts";
import { activationFunction, type Arithmetic } from "./_vector_activations_wasm.ts";
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
  /** `madd(ptr)`: the four floats at `ptr + 48` become `a·b + c` of the vectors at `ptr`, `+16`, `+32`. */
  madd(ptr: number): void;
}

function actFunction(arith: Arithmetic) {
  const f = new WasmFn("act", 3);
  activationFunction(f, arith, VEC_TAIL);
  return f.build();
}

/** The multiply-add of the kernels, alone: tells whether this CPU fuses `relaxed_madd`. */
function maddFunction(arith: Arithmetic) {
  const f = new WasmFn("madd", 1);
  f.emit(op.get(0), op.get(0), op.load(0), op.get(0), op.load(16), op.get(0), op.load(32));
  f.emit(arith === "fused" ? op.f32x4RelaxedMadd : [...op.f32x4Mul, ...op.f32x4Add]);
  f.emit(op.store(48));
  return f.build();
}

/** The core built with `arith`, or null where the runtime cannot compile it. */
function buildCore(arith: Arithmetic): CoreExports | null {
  if (memory === null) return null;
  try {
    const bytes = wasmModule([
      actFunction(arith), // index 0: called by the gate functions
      sgemmFunction("sgemm", arith),
      lstmGatesFunction(arith),
      gruResetAfterFunction(),
      gruResetBeforeFunction(),
      gruFinishFunction(),
      simpleRnnUpdateFunction(),
      maddFunction(arith),
    ]);
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as CoreExports;
  } catch {
    return null;
  }
}

/** The core with every product and sum rounded separately, or null without WebAssembly SIMD. */
export const coreExports: CoreExports | null = buildCore("separate");

/** The core with fused multiply-adds, or null where relaxed SIMD is unavailable. */
export const fusedCoreExports: CoreExports | null = coreExports && buildCore("fused");
