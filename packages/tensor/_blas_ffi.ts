/**
 * The native side of the BLAS backend: the symbols Kerno asks a BLAS library for, and opening
 * one with `Deno.dlopen`. Every entry point is optional, so a library without `cblas_sgemm`
 * opens and is then refused with a message instead of a `dlopen` error.
 *
 * @module
 */

/** CBLAS enum values (`cblas.h`). */
export const CBLAS_ROW_MAJOR = 101;
/** `CblasNoTrans`. */
export const CBLAS_NO_TRANS = 111;

/** What Kerno binds in a BLAS library. Matrices go as `"buffer"` (no pointer made per call). */
export const BLAS_SYMBOLS = {
  cblas_sgemm: {
    // order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
    optional: true,
  },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  bli_info_get_version_str: { parameters: [], result: "pointer", optional: true },
  bli_thread_set_num_threads: { parameters: ["i64"], result: "void", optional: true },
  /** macOS 15+ Accelerate: `BLASSetThreading(BLAS_THREADING_SINGLE_THREADED)`. */
  BLASSetThreading: { parameters: ["i32"], result: "i32", optional: true },
} as const;

/** An opened BLAS library. */
export type BlasLibrary = Deno.DynamicLibrary<typeof BLAS_SYMBOLS>;

/** The signature of `cblas_sgemm` as bound here. */
export type Sgemm = NonNullable<BlasLibrary["symbols"]["cblas_sgemm"]>;

/** Whether this runtime can open native libraries at all (Deno with `Deno.dlopen`). */
export function hasDlopen(): boolean {
  return typeof Deno !== "undefined" && typeof Deno.dlopen === "function";
}

/** A permission's state, without ever prompting ("denied" where it cannot be queried). */
export function permissionState(descriptor: Deno.PermissionDescriptor): Deno.PermissionState {
  try {
    return Deno.permissions.querySync(descriptor).state;
  } catch {
    return "denied";
  }
}

/** A C string returned by the library, or `null` for a null pointer. */
export function cString(pointer: Deno.PointerValue): string | null {
  return pointer === null ? null : new Deno.UnsafePointerView(pointer).getCString();
}

/** Opens `name` (a path or a soname) with the BLAS symbols; returns the library or the error text. */
export function openLibrary(name: string): BlasLibrary | string {
  try {
    return Deno.dlopen(name, BLAS_SYMBOLS);
  } catch (e) {
    const text = firstLine(e instanceof Error ? e.message : String(e));
    return text.replace(/^(Could not open library: )+/, "could not open library ");
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}
