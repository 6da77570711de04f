/**
 * Running machine code that Kerno generates (Linux on x86-64, with the FFI permission): code is
 * copied into pages mapped writable, which are then made executable and never writable again
 * (`mmap`, `mprotect`), and called through libc's `bsearch` with one element, which calls the
 * comparison function once, as `compare(key, element)`. Calling a bound library symbol is a fast
 * call (0.1 µs here); calling a raw function pointer from JavaScript is not
 * (`Deno.UnsafeFnPointer`: about 1.5 µs), hence the trampoline. A generated function therefore
 * takes two pointers (`rdi`, `rsi`) and returns 0 in `eax` ("found", so `bsearch` stops);
 * {@linkcode nativeSupport} checks, with the CPU's features, that one `bsearch` call runs it
 * exactly once (a function that adds to its output must not run twice).
 *
 * @module
 */
import { hasDlopen, permissionState } from "./_blas_ffi.ts";
import { readCpuFlags } from "./_blas_cpu.ts";

const LIBC_SYMBOLS = {
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  mprotect: { parameters: ["pointer", "usize", "i32"], result: "i32" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  memcpy: { parameters: ["pointer", "buffer", "usize"], result: "pointer" },
  // Its result (the element found) is not needed: declared void, no pointer object per call.
  bsearch: { parameters: ["buffer", "buffer", "usize", "usize", "pointer"], result: "void" },
} as const;

type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>["symbols"];

const PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
const MAP_PRIVATE = 0x02, MAP_ANONYMOUS = 0x20;
const PAGE = 4096;

/**
 * Where generated code can run (AVX2 and FMA3; `avx512` when the 512-bit AVX-512F registers are
 * usable too), or why not.
 */
export type NativeSupport =
  | { readonly ok: true; readonly avx512: boolean }
  | { readonly reason: string };

let libc: Libc | null = null;
let support: NativeSupport | null = null;

/** Frees the pages of functions that were garbage-collected. */
const unmapper = new FinalizationRegistry<{ pointer: Deno.PointerObject; size: number }>(
  ({ pointer, size }) => libc?.munmap(pointer, BigInt(size)),
);

/**
 * A function of generated code in executable memory: `call(key, element)` runs it with
 * `rdi = key`, `rsi = element` (the arrays' first elements). The caller checks that both arrays
 * are live and long enough for what the code reads and writes: a detached array reaches the code
 * as a null pointer.
 */
export class NativeFunction {
  readonly #pointer: Deno.PointerObject;
  readonly #bsearch: Libc["bsearch"];

  /** Maps `code` executable; throws an `Error` when the system refuses. */
  constructor(code: Uint8Array) {
    const c = libcOrThrow();
    const size = Math.ceil(Math.max(1, code.length) / PAGE) * PAGE;
    const pointer = c.mmap(
      null,
      BigInt(size),
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS,
      -1,
      0n,
    );
    const address = pointer === null ? 0n : BigInt(Deno.UnsafePointer.value(pointer));
    if (pointer === null || address === 0n || address === 0xffffffffffffffffn) {
      throw new Error("native code: mmap refused a page for generated code");
    }
    c.memcpy(pointer, code, BigInt(code.length));
    if (c.mprotect(pointer, BigInt(size), PROT_READ | PROT_EXEC) !== 0) {
      c.munmap(pointer, BigInt(size));
      throw new Error("native code: mprotect refused to make generated code executable");
    }
    this.#pointer = pointer;
    this.#bsearch = c.bsearch;
    unmapper.register(this, { pointer, size });
  }

  /** Runs the code with `rdi = key`, `rsi = element`. */
  call(key: BufferSource, element: BufferSource): void {
    this.#bsearch(key, element, 1n, 4n, this.#pointer);
  }
}

/**
 * Whether generated code can run here: Linux on x86-64, the FFI permission, a CPU with AVX2 and
 * FMA3 that the OS lets programs use (`/proc/cpuinfo`, or glibc's x86 feature API), libc,
 * executable pages, and a `bsearch` that calls its comparison once. Checked once per thread.
 */
export function nativeSupport(): NativeSupport {
  support ??= checkSupport();
  return support;
}

function checkSupport(): NativeSupport {
  if (!hasDlopen()) return { reason: "native code needs Deno" };
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    return {
      reason: `native row kernels are built for Linux on x86-64 only (${Deno.build.target})`,
    };
  }
  if (permissionState({ name: "ffi" }) !== "granted") {
    return { reason: "the FFI permission is not granted" };
  }
  const flags = readCpuFlags(
    permissionState({ name: "read", path: "/proc/cpuinfo" }) === "granted",
  );
  if (flags === null) return { reason: "this CPU's features could not be read" };
  for (const flag of ["avx2", "fma"]) {
    if (!flags.has(flag)) return { reason: `this CPU (or its OS) has no ${flag.toUpperCase()}` };
  }
  try {
    libc = Deno.dlopen("libc.so.6", LIBC_SYMBOLS).symbols;
  } catch (e) {
    return { reason: `libc.so.6 could not be opened: ${e instanceof Error ? e.message : e}` };
  }
  let counter: NativeFunction;
  try {
    counter = new NativeFunction(COUNT_CALLS_CODE);
  } catch (e) {
    return { reason: e instanceof Error ? e.message : String(e) };
  }
  const calls = new Uint32Array(1);
  counter.call(calls, calls);
  if (calls[0] !== 1) return { reason: `libc's bsearch called its comparison ${calls[0]} times` };
  return { ok: true, avx512: flags.has("avx512f") };
}

function libcOrThrow(): Libc {
  if (libc === null) {
    const s = nativeSupport();
    if (libc === null) {
      throw new Error(
        `native code cannot run here: ${"reason" in s ? s.reason : "libc is not open"}`,
      );
    }
  }
  return libc;
}

/** `inc dword [rdi]; xor eax, eax; ret`: counts its calls in the key. */
const COUNT_CALLS_CODE = new Uint8Array([0xff, 0x07, 0x31, 0xc0, 0xc3]);
