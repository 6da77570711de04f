/**
 * WebAssembly SIMD versions of the {@linkcode gemmPacked} micro-kernels, working in the memory
 * of `_gemm_wasm_heap.ts`. They do the very operations of the JavaScript kernels, two columns
 * per instruction: each product of a float64 value of A and a float32 value of B (widened
 * exactly) is added, in order of k, to a float64 sum starting at zero; WebAssembly has no fused
 * multiply-add here and rounds every operation as IEEE 754 does. So they give the same bits as
 * the JavaScript kernels, about three times faster.
 *
 * `wasmKernels` is null where WebAssembly SIMD is unavailable; `gemmPacked` then runs the
 * JavaScript kernels.
 *
 * @module
 */
import { I32, op, V128, type WasmFunction, wasmModule } from "./_gemm_wasm_asm.ts";
import { memory } from "./_gemm_wasm_heap.ts";

/** `acc += a · b`, where `b` is the instructions leaving the B vector on the stack. */
function mac(acc: number, a: number, b: number[]): number[] {
  return [...op.get(acc), ...op.get(a), ...b, ...op.f64x2Mul, ...op.f64x2Add, ...op.set(acc)];
}

/** Two float32 at `ptr + offset`, widened to a float64 pair. */
function pair(ptr: number, offset: number): number[] {
  return [...op.get(ptr), ...op.load64Zero(offset), ...op.promoteLow];
}

/** `local += value`. */
function bump(local: number, value: number): number[] {
  return [...op.get(local), ...op.i32(value), ...op.add, ...op.set(local)];
}

/**
 * `panel(tiles, kc, a, b, t)`: for each of `tiles` consecutive 4-row panels of packed A
 * (float64, `a[32p + 8r]` bytes), the 4×4 tile of sums with one 4-column panel of B (float32,
 * `b[16p + 4q]`), written as 16 float64 (row-major) at `t`, the next tile 128 bytes further.
 */
function panelKernel(): WasmFunction {
  const [tiles, kc, a, b, t] = [0, 1, 2, 3, 4];
  const acc = 5, av = 13, b01 = 14, b23 = 15, end = 16, bp = 17;
  const body: number[] = [...op.block, ...op.loop, ...op.get(tiles), ...op.eqz, ...op.brIf(1)];
  for (let i = 0; i < 8; i++) body.push(...op.zero, ...op.set(acc + i));
  body.push(...op.get(a), ...op.get(kc), ...op.i32(5), ...op.shl, ...op.add, ...op.set(end));
  body.push(...op.get(b), ...op.set(bp));
  body.push(...op.block, ...op.loop, ...op.get(a), ...op.get(end), ...op.geU, ...op.brIf(1));
  body.push(...pair(bp, 0), ...op.set(b01), ...pair(bp, 8), ...op.set(b23));
  for (let r = 0; r < 4; r++) {
    body.push(...op.get(a), ...op.load64Splat(8 * r), ...op.set(av));
    body.push(...mac(acc + 2 * r, av, op.get(b01)), ...mac(acc + 2 * r + 1, av, op.get(b23)));
  }
  body.push(...bump(a, 32), ...bump(bp, 16), ...op.br(0), ...op.end, ...op.end);
  for (let i = 0; i < 8; i++) body.push(...op.get(t), ...op.get(acc + i), ...op.store(16 * i));
  body.push(...bump(t, 128), ...bump(tiles, -1), ...op.br(0), ...op.end, ...op.end);
  return { name: "panel", params: 5, locals: [...new Array(11).fill(V128), I32, I32], body };
}

/**
 * `row(kc, a, b, s, panels, t)`: the sums of one row of A (float64 at `a[8p]`) with `panels`
 * 4-column panels of B (float32, `s` bytes apart), written as float64 at `t` (4 per panel):
 * four panels at a time (measured faster than three), then one at a time.
 */
function rowKernel(): WasmFunction {
  const [kc, a, b, s, panels, t] = [0, 1, 2, 3, 4, 5];
  const acc = 6, av = 14, end = 15, ap = 16, b0 = 17;
  const body: number[] = [];
  for (const group of [4, 1]) {
    const ptrs = [b0, b0 + 1, b0 + 2, b0 + 3].slice(0, group);
    body.push(...op.block, ...op.loop);
    body.push(...op.get(panels), ...op.i32(group), ...op.ltS, ...op.brIf(1));
    for (let i = 0; i < 2 * group; i++) body.push(...op.zero, ...op.set(acc + i));
    body.push(...op.get(a), ...op.set(ap));
    body.push(...op.get(a), ...op.get(kc), ...op.i32(3), ...op.shl, ...op.add, ...op.set(end));
    ptrs.forEach((p, j) => {
      body.push(...op.get(b), ...op.get(s), ...op.i32(j), ...op.mul, ...op.add, ...op.set(p));
    });
    body.push(...op.block, ...op.loop, ...op.get(ap), ...op.get(end), ...op.geU, ...op.brIf(1));
    body.push(...op.get(ap), ...op.load64Splat(0), ...op.set(av));
    ptrs.forEach((p, j) =>
      body.push(...mac(acc + 2 * j, av, pair(p, 0)), ...mac(acc + 2 * j + 1, av, pair(p, 8)))
    );
    body.push(...bump(ap, 8));
    for (const p of ptrs) body.push(...bump(p, 16));
    body.push(...op.br(0), ...op.end, ...op.end);
    for (let i = 0; i < 2 * group; i++) {
      body.push(...op.get(t), ...op.get(acc + i), ...op.store(16 * i));
    }
    body.push(...bump(t, 32 * group), ...bump(panels, -group));
    body.push(...op.get(b), ...op.get(s), ...op.i32(group), ...op.mul, ...op.add, ...op.set(b));
    body.push(...op.br(0), ...op.end, ...op.end);
  }
  return {
    name: "row",
    params: 6,
    locals: [...new Array(9).fill(V128), ...new Array(6).fill(I32)],
    body,
  };
}

/** The compiled kernels (byte offsets into the memory of `_gemm_wasm_heap.ts`). */
export interface WasmKernels {
  /** See `panelKernel`. */
  panel(tiles: number, kc: number, a: number, b: number, t: number): void;
  /** See `rowKernel`. */
  row(kc: number, a: number, b: number, s: number, panels: number, t: number): void;
}

/** The kernels, or null where WebAssembly SIMD is unavailable. */
export const wasmKernels: WasmKernels | null = (() => {
  if (memory === null) return null;
  try {
    const bytes = wasmModule([panelKernel(), rowKernel()]);
    if (!WebAssembly.validate(bytes)) return null;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as WasmKernels;
  } catch {
    return null;
  }
})();

let enabled = true;

/** The kernels when available and not switched off by {@linkcode useWasm}, else null. */
export function activeWasm(): WasmKernels | null {
  return enabled ? wasmKernels : null;
}

/**
 * Switches the WebAssembly kernels on or off (on by default); returns the previous setting.
 * Tests use it to run both implementations.
 */
export function useWasm(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}
