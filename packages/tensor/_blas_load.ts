/**
 * Finding, opening and vetting a BLAS library: permissions first (never a prompt), one BLAS
 * thread and the OpenBLAS core type set before the first `dlopen`, then `cblas_sgemm` and the
 * self-check. Every failure is a sentence, never an exception or a crash.
 *
 * @module
 */
import {
  type BlasLibrary,
  cString,
  hasDlopen,
  openLibrary,
  permissionState,
  type Sgemm,
} from "./_blas_ffi.ts";
import { coreTypeFor, libraryCandidates } from "./_blas_discovery.ts";
import { readCpuFlags } from "./_blas_cpu.ts";
import { selfCheck } from "./_blas_selfcheck.ts";

/** A library that passed its self-check. */
export interface LoadedBlas {
  /** The path or name it was opened by. */
  readonly library: string;
  /** What it says about itself: version, build, chosen kernel; how the core type was chosen. */
  readonly kernel: string;
  /** Its `cblas_sgemm`. */
  readonly sgemm: Sgemm;
}

/** Why no library could be used. */
export interface BlasFailure {
  /** One line. */
  readonly reason: string;
}

/** Opens `path`, or the first usable library of this OS when `path` is `null`. */
export function loadBlas(path: string | null): LoadedBlas | BlasFailure {
  if (path !== null && path.trim() === "") return { reason: "the library path is empty" };
  if (!hasDlopen()) return { reason: "native libraries cannot be opened here (needs Deno)" };
  if (permissionState({ name: "ffi" }) !== "granted") {
    return { reason: "the FFI permission is not granted (run with --allow-ffi)" };
  }
  const coreNote = prepareEnvironment();
  const names = path === null ? libraryCandidates(Deno.build.os) : [path];
  const failures: string[] = [];
  for (const name of names) {
    const lib = openLibrary(name);
    if (typeof lib === "string") {
      failures.push(path === null ? name : lib);
      continue;
    }
    const vetted = vet(name, lib, coreNote);
    if ("sgemm" in vetted) return vetted;
    failures.push(vetted.reason);
  }
  if (path !== null) return { reason: failures[0] };
  return {
    reason: `no BLAS library found (tried ${failures.join(", ")}); ` +
      `install one (Debian: apt-get install libopenblas0-pthread) or give its path`,
  };
}

function vet(name: string, lib: BlasLibrary, coreNote: string): LoadedBlas | BlasFailure {
  const s = lib.symbols;
  if (s.cblas_sgemm === null) {
    lib.close();
    return { reason: `${name} has no cblas_sgemm` };
  }
  s.openblas_set_num_threads?.(1);
  s.bli_thread_set_num_threads?.(1n);
  s.BLASSetThreading?.(1);
  const failure = selfCheck(s.cblas_sgemm);
  if (failure !== null) {
    lib.close();
    return { reason: `${name}: ${failure}` };
  }
  return { library: name, kernel: describe(lib, coreNote), sgemm: s.cblas_sgemm };
}

function describe(lib: BlasLibrary, coreNote: string): string {
  const s = lib.symbols;
  const config = s.openblas_get_config ? cString(s.openblas_get_config()) : null;
  if (config !== null) {
    const core = s.openblas_get_corename ? cString(s.openblas_get_corename()) : null;
    return `${config}${core !== null ? `; kernel ${core}` : ""}${coreNote}`;
  }
  const blis = s.bli_info_get_version_str ? cString(s.bli_info_get_version_str()) : null;
  if (blis !== null) return `BLIS ${blis}`;
  if (s.BLASSetThreading !== null || Deno.build.os === "darwin") return "Accelerate";
  return "a BLAS with cblas_sgemm (unknown build)";
}

/**
 * Sets, where the environment permission allows and the user has not: one thread for OpenBLAS,
 * BLIS and Accelerate, and OpenBLAS's core type from this CPU's flags. Returns a note on how
 * the core type was chosen (for the kernel description).
 */
function prepareEnvironment(): string {
  for (const name of ["OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"]) {
    setIfUnset(name, "1");
  }
  const given = readEnv("OPENBLAS_CORETYPE");
  if (given !== undefined) return ` (OPENBLAS_CORETYPE=${given} from the environment)`;
  const flags = readCpuFlags(
    permissionState({ name: "read", path: "/proc/cpuinfo" }) === "granted",
  );
  const core = flags === null ? null : coreTypeFor(flags);
  if (core === null) return "";
  return setIfUnset("OPENBLAS_CORETYPE", core)
    ? ` (core type ${core}, chosen for this CPU)`
    : ` (core type not set: no permission to set OPENBLAS_CORETYPE)`;
}

function readEnv(name: string): string | undefined {
  if (permissionState({ name: "env", variable: name }) !== "granted") return undefined;
  return Deno.env.get(name);
}

/** Sets `name` when it is unset and the permission is granted; true when it now has `value`. */
function setIfUnset(name: string, value: string): boolean {
  if (permissionState({ name: "env", variable: name }) !== "granted") return false;
  const now = Deno.env.get(name);
  if (now === undefined) Deno.env.set(name, value);
  return (now ?? value) === value;
}
