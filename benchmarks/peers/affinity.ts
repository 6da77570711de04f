/**
 * Pinning the calling thread to one CPU (Linux `sched_setaffinity` over FFI), and measuring how
 * fast each CPU is right now. On a virtual machine the virtual CPUs can run at very different
 * speeds when the host's other tenants load one of them (measured here: the same single-thread
 * W4 run took 258 µs on one vCPU and 392–410 µs on the other, in alternating runs), so a
 * single-thread row's time depends on which CPU the scheduler gave it. The benchmark runs every
 * single-thread row on the same CPU, the fastest one when the workload starts, and prints the
 * CPUs' speeds before and after.
 *
 * @module
 */
import { packMatrix, Random, ResidentArray, sgemmCore } from "@kerno/tensor";

/** `sched_setaffinity`, or null where it cannot be loaded (not Linux, no FFI permission). */
const libc = (() => {
  if (Deno.build.os !== "linux") return null;
  try {
    return Deno.dlopen("libc.so.6", {
      sched_setaffinity: { parameters: ["i32", "usize", "buffer"], result: "i32" },
    });
  } catch {
    return null;
  }
})();

/** The CPUs this process may run on (0 … n−1). */
export function cpuCount(): number {
  return navigator.hardwareConcurrency;
}

/**
 * Restricts the calling thread to CPU `cpu`, or lets it run on every CPU again (`null`).
 * Threads created while it is pinned inherit the restriction, so create pools unpinned. Returns
 * false where pinning is unavailable.
 */
export function pinThread(cpu: number | null): boolean {
  if (libc === null) return false;
  const mask = new Uint8Array(128);
  if (cpu === null) {
    for (let c = 0; c < Math.min(cpuCount(), 1024); c++) mask[c >> 3] |= 1 << (c & 7);
  } else {
    mask[cpu >> 3] |= 1 << (cpu & 7);
  }
  return libc.symbols.sched_setaffinity(0, BigInt(mask.length), mask) === 0;
}

/**
 * GFLOP/s of the compute core's product (W5's step shape, about 30 ms) on each CPU, the
 * calling thread pinned to it in turn; empty where pinning is unavailable.
 */
export function cpuSpeeds(): number[] {
  const m = 256, k = 640, n = 2048, rng = new Random(3);
  const b = packMatrix(new Float32Array(k * n).map(() => rng.uniform(-1, 1)), 0, n, k, n);
  using a = new ResidentArray(m * k);
  using c = new ResidentArray(m * n);
  a.f32.set(new Float32Array(m * k).map(() => rng.uniform(-1, 1)));
  const speeds: number[] = [];
  try {
    for (let cpu = 0; cpu < cpuCount(); cpu++) {
      if (!pinThread(cpu)) return [];
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        sgemmCore(m, a.f32, 0, k, b, c.f32, 0, n);
        times.push(performance.now() - t0);
      }
      speeds.push((2 * m * n * k) / (Math.min(...times) * 1e6));
    }
  } finally {
    pinThread(null);
  }
  return speeds;
}

/** `cpu0 47.9, cpu1 31.2` (GFLOP/s). */
export function formatSpeeds(speeds: readonly number[]): string {
  return speeds.map((s, i) => `cpu${i} ${s.toFixed(1)}`).join(", ");
}
