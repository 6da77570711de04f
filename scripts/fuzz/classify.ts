import type { Job, JobResult } from "./job.ts";

/** How one fuzz input ended. */
export type Outcome =
  | "clean-error"
  | "crash-like"
  | "hang"
  | "memory"
  | "write-outside"
  | "accept-same"
  | "accept-valid"
  | "accept-suspect"
  | "accept-unjudged";

/** The outcomes that fail a campaign. */
export const FAILURES: readonly Outcome[] = [
  "crash-like",
  "hang",
  "memory",
  "write-outside",
  "accept-suspect",
];

/** Messages that come from the JavaScript engine or a library, not from Kerno. */
const ENGINE_MESSAGES: readonly RegExp[] = [
  /Cannot read properties of/,
  /Cannot set properties of/,
  /is not a function/,
  /is not iterable/,
  /is not a constructor/,
  /Maximum call stack size exceeded/,
  /Invalid typed array length/,
  /Array buffer allocation failed/,
  /Invalid array length/,
  /Converting circular structure/,
  /out of memory/i,
  /[Oo]ffset is outside the bounds/,
  /Cannot convert .* to a BigInt/,
  /Cannot mix BigInt/,
  /\[object Object\]/,
  /Cannot access .* before initialization/,
  /is not defined/,
  /Reduce of empty array/,
  /Invalid string length/,
  /toFixed\(\) digits/,
  /Start offset .* is outside/,
  /Invalid DataView length/,
];

/** What an error of `predict` must name: the model (or the layer that refused a value). */
export const MODEL_LABEL = 'odel "|layer "';

/** Error classes Kerno throws on purpose. */
const KERNO_ERROR_NAMES = new Set(["TypeError", "RangeError", "Error", "CliError"]);

/**
 * Why an error message is not one of Kerno's own, or "" when it is: an engine message, an
 * unexpected error class, an empty message, or one that does not name where the problem is.
 */
export function crashReason(job: Job, name: string, message: string, phase?: "run"): string {
  if (!KERNO_ERROR_NAMES.has(name)) return `error class ${name}`;
  if (message.trim() === "" || /^kerno: error:\s*$/.test(message.trim())) return "empty message";
  const engine = ENGINE_MESSAGES.find((r) => r.test(message));
  if (engine) return `engine message ${engine}`;
  const label = phase === "run" ? MODEL_LABEL : job.label;
  if (!label.split("|").some((l) => message.includes(l))) {
    return `the message does not name ${label}`;
  }
  return "";
}

/** Whether a message reports a write (or other access) refused by the child's sandbox. */
export function isSandboxViolation(message: string): boolean {
  return /Requires (write|net|run|ffi|sys) access/.test(message);
}

/** Classifies a child's result (`null` when the child was killed: `killed` says why). */
export function classify(
  job: Job,
  result: JobResult | null,
  killed: "hang" | "memory" | "exit" | null,
  memoryLimitMiB: number,
): { outcome: Outcome; detail: string } {
  if (killed === "hang") return { outcome: "hang", detail: "time limit" };
  if (killed === "memory") return { outcome: "memory", detail: `over ${memoryLimitMiB} MiB` };
  if (!result) return { outcome: "crash-like", detail: "the child died without a result" };
  if (result.peakMiB > memoryLimitMiB) {
    return { outcome: "memory", detail: `peak ${result.peakMiB} MiB` };
  }
  if (result.writesOutside && result.writesOutside.length > 0) {
    return { outcome: "write-outside", detail: result.writesOutside.join(", ") };
  }
  if (result.outcome === "error") {
    const message = result.message ?? "";
    if (isSandboxViolation(message)) return { outcome: "write-outside", detail: message };
    const reason = crashReason(job, result.name ?? "", message, result.phase);
    return reason
      ? { outcome: "crash-like", detail: reason }
      : { outcome: "clean-error", detail: "" };
  }
  const judged = result.judged ?? "suspect";
  return { outcome: `accept-${judged}` as Outcome, detail: result.note ?? "" };
}

/**
 * A failure's signature: outcome, target and the message with numbers and quoted names blanked,
 * so one bug found many times is saved once.
 */
export function signature(job: Job, outcome: Outcome, message: string): string {
  const shape = message
    .replace(
      new RegExp(
        job.label.split("|").map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
        "g",
      ),
      "<where>",
    )
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, "N")
    .slice(0, 160);
  return `${outcome} ${job.target} ${shape}`;
}
