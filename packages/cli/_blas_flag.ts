/**
 * The `--blas [PATH]` flag of `kerno predict` and `kerno bench`, whose value is optional (which
 * `parseArgs` cannot express), and the line that says which backend runs.
 *
 * @module
 */
import {
  type BlasRequest,
  type BlasStatus,
  coreArithmetic,
  deterministicArithmetic,
} from "@kerno/tensor";

/**
 * Takes `--blas`, `--blas PATH` and `--blas=PATH` out of `args`: `true` when given without a
 * path (the next argument is missing or is another option), the path otherwise, `undefined`
 * when absent. The other arguments are returned in order.
 */
export function takeBlasFlag(args: readonly string[]): { rest: string[]; blas?: BlasRequest } {
  const rest: string[] = [];
  let blas: BlasRequest | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith("--blas=")) blas = arg.slice("--blas=".length);
    else if (arg !== "--blas") rest.push(arg);
    else if (i + 1 < args.length && !args[i + 1].startsWith("-")) blas = args[++i];
    else blas = true;
  }
  return blas === undefined ? { rest } : { rest, blas };
}

/** One line naming the backend of the products: the BLAS library and kernel, or why not. */
export function backendLine(status: BlasStatus): string {
  if (status.active) return `backend: BLAS ${status.library} (${status.kernel})`;
  return status.reason === null
    ? "backend: WebAssembly core"
    : `backend: WebAssembly core (BLAS off: ${status.reason})`;
}

/**
 * The line naming the compute core's arithmetic: `arithmetic: fused multiply-add` or
 * `arithmetic: separate multiply and add (deterministic)` (or without FMA on this CPU).
 */
export function arithmeticLine(): string {
  if (coreArithmetic() === "fused") return "arithmetic: fused multiply-add";
  return deterministicArithmetic()
    ? "arithmetic: separate multiply and add (deterministic)"
    : "arithmetic: separate multiply and add (no fused multiply-add on this CPU)";
}
