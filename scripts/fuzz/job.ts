import type { JsonPath } from "./mutate_json.ts";

/** Where a fuzz input goes into Kerno. */
export type Target = "keras" | "h5" | "weights" | "config" | "npy" | "predict" | "cli";

/** One fuzz input, as the campaign hands it to a child process (one JSON line). */
export interface Job {
  /** Position in the campaign. */
  readonly index: number;
  /** Where the input goes. */
  readonly target: Target;
  /** The reference case it was made from (absolute folder). */
  readonly caseDir: string;
  /** What was mutated, for the report. */
  readonly mutation: string;
  /** The mutated file (absolute path), for file targets. */
  readonly file?: string;
  /** The name Kerno's error must mention (the mutated file, or a model/layer word). */
  readonly label: string;
  /** True when every changed byte lies inside the values of a numeric dataset. */
  readonly payloadOnly?: boolean;
  /** For JSON mutations: where a value changed, and to what. */
  readonly jsonPath?: JsonPath | null;
  /** True when the key at `jsonPath` was deleted. */
  readonly jsonDeleted?: boolean;
  /** The value written at `jsonPath`. */
  readonly jsonValue?: unknown;
  /** For config inputs: make the value at this path point at its parent. */
  readonly cycleAt?: JsonPath;
  /** For predict inputs: which hostile input to build. */
  readonly predictSpec?: string;
  /** The folder this input may write to (the CLI's outputs). */
  readonly workDir: string;
}

/** What a child reports for one input. */
export interface JobResult {
  /** The job's index. */
  readonly index: number;
  /** Kerno threw (`error`) or accepted the input (`accept`). */
  readonly outcome: "error" | "accept";
  /** Error class name. */
  readonly name?: string;
  /** Error message (first 500 characters). */
  readonly message?: string;
  /** For accepts: same outputs as the reference, a really valid input, or unexplained. */
  readonly judged?: "same" | "valid" | "suspect" | "unjudged";
  /** `run` when the error came from predict on a model that loaded (then it must name the model). */
  readonly phase?: "run";
  /** Why the accept was judged so. */
  readonly note?: string;
  /** Growth of the child's resident memory while it ran this input (peak minus start), in MiB. */
  readonly peakMiB: number;
  /** Peak resident memory of the whole child process (Deno itself included), in MiB. */
  readonly processPeakMiB?: number;
  /** Wall time of the input in the child, in ms. */
  readonly ms: number;
  /** Files that appeared outside the job's work folder... or writes refused by the sandbox. */
  readonly writesOutside?: string[];
}
