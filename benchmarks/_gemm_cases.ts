/**
 * The gemm shapes measured by `gemm_bench.ts` and `gemm_report.ts`, and their operands.
 *
 * @module
 */
import { Random } from "@kerno/tensor";

/** One `C[m×n] = A[m×k]·B[k×n]` case. */
export interface GemmCase {
  /** Label printed in results. */
  name: string;
  /** Rows of A and C. */
  m: number;
  /** Columns of B and C. */
  n: number;
  /** Inner dimension. */
  k: number;
  /** Timed runs of the naive oracle (it is slow on the big shapes). */
  naiveRuns: number;
}

/** Square sizes, then the RNN shapes of the standard workloads. */
export const GEMM_CASES: readonly GemmCase[] = [
  { name: "256³", m: 256, n: 256, k: 256, naiveRuns: 5 },
  { name: "512³", m: 512, n: 512, k: 512, naiveRuns: 3 },
  { name: "1024³", m: 1024, n: 1024, k: 1024, naiveRuns: 1 },
  { name: "input projection 51200×32·32×512", m: 51200, n: 512, k: 32, naiveRuns: 2 },
  { name: "recurrent step 1024×128·128×512", m: 1024, n: 512, k: 128, naiveRuns: 3 },
  { name: "latency step 1×128·128×512", m: 1, n: 512, k: 128, naiveRuns: 50 },
  { name: "small 37×64·64×128", m: 37, n: 128, k: 64, naiveRuns: 50 },
];

/** Operands of a case: A, B in [-1, 1) from a fixed seed, and a zeroed C. */
export function operands(c: GemmCase): { a: Float32Array; b: Float32Array; out: Float32Array } {
  const rng = new Random(1234);
  const a = new Float32Array(c.m * c.k);
  const b = new Float32Array(c.k * c.n);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform(-1, 1);
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform(-1, 1);
  return { a, b, out: new Float32Array(c.m * c.n) };
}

/** Floating-point operations of one product (a multiply and an add per term). */
export function flops(c: GemmCase): number {
  return 2 * c.m * c.n * c.k;
}
