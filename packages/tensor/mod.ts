/**
 * `@kerno/tensor`: the numeric kernel of Kerno. A small {@linkcode Tensor} type (float32, int32,
 * bool; row-major) and free-function kernels over `Float32Array`s with offsets, so they run on
 * `SharedArrayBuffer` views as well: gemm, elementwise ops, Keras activations, shape ops, a seeded
 * PRNG and `allClose`. No dependencies.
 *
 * @example
 * ```ts
 * import { gemm, getActivation, tensor } from "@kerno/tensor";
 * const x = tensor([0.1, 0.2, 0.3], [1, 3, 1]);
 * const w = new Float32Array([0.5, -0.5]); // 1×2
 * const y = new Float32Array(3 * 2);
 * gemm(false, false, 3, 2, 1, x.f32, 0, 1, w, 0, 2, y, 0, 2);
 * getActivation("tanh")(y, 0, y.length, 2);
 * ```
 *
 * @module
 */
export * from "./tensor.ts";
export * from "./gemm.ts";
export * from "./gemm_packed.ts";
export * from "./gemm_naive.ts";
export * from "./activations.ts";
export { erf } from "./_erf.ts";
export * from "./elementwise.ts";
export * from "./shape_ops.ts";
export * from "./random.ts";
export * from "./all_close.ts";
export * from "./compute_core.ts";
export {
  type CoreArithmetic,
  coreArithmetic,
  deterministicArithmetic,
  useDeterministicArithmetic,
  withDeterministicArithmetic,
} from "./core_arithmetic.ts";
export { blasStatus, resultArray, useBlas, withBlas } from "./blas.ts";
export { RowSource } from "./row_copy.ts";
export {
  addressesAvailable,
  addressOf,
  adviseHugePages,
  hugePagesAvailable,
  prefaultAddress,
  viewAtAddress,
} from "./_native_memory.ts";
export { coreProductOnBlas, gemmOnBlas } from "./_blas_core.ts";
export type { BlasRequest, BlasStatus, UseBlasOptions } from "./blas.ts";
export * from "./conv_geometry.ts";
export * from "./conv.ts";
export * from "./conv_naive.ts";
export * from "./pool.ts";
