/**
 * `@kerno/tensor`: the numeric kernel of Kerno. A small {@linkcode Tensor} type (float32, int32,
 * bool; row-major) and free-function kernels over `Float32Array`s with offsets, so they run on
 * `SharedArrayBuffer` views as well: gemm, elementwise ops, Keras activations, shape ops, a seeded
 * PRNG and `allClose`. No dependencies.
 *
 * @example
 * ```ts
 * import { tensor } from "@kerno/tensor";
 * const x = tensor([0.1, 0.2, 0.3], [1, 3, 1]);
 * ```
 *
 * @module
 */
export * from "./tensor.ts";
