/**
 * The data-plane protocol between the pool and its workers: plain, structured-clonable objects.
 * A job names shared buffers by byte offset; the worker views them without copying.
 *
 * @module
 */
import type { BlasRequest, DType } from "@kerno/tensor";

/** One tensor inside a `SharedArrayBuffer`: where it starts, its dtype and its full shape. */
export interface SharedRef {
  /** The shared buffer. */
  readonly buffer: SharedArrayBuffer;
  /** Byte offset of the first element. */
  readonly byteOffset: number;
  /** Element type. */
  readonly dtype: DType;
  /** Shape, batch rows first. */
  readonly shape: readonly number[];
}

/**
 * One tensor at a memory address of the calling thread's (`addressOf` of `@kerno/tensor`), which
 * that thread keeps alive until the job ends.
 */
export interface AddressRef {
  /** Address of the first element. */
  readonly address: number;
  /** Element type. */
  readonly dtype: DType;
  /** Shape, batch rows first. */
  readonly shape: readonly number[];
}

/** Where one weight of a model sits in the model's weight buffer. */
export interface WeightSlot {
  /** Byte offset of the first float. */
  readonly byteOffset: number;
  /** Keras shape of the weight. */
  readonly shape: readonly number[];
}

/** Options a worker passes to `modelFromJSON` along with the config. */
export interface BuildOptions {
  /** Run `hard_sigmoid` as Keras 2 did (the model was loaded from a Keras 2 file). */
  readonly keras2HardSigmoid?: boolean;
  /** The limits in force where the pool loaded the model (`Limits` of `@kerno/layers`). */
  readonly limits?: Readonly<Record<string, number>>;
}

/** A fault the test hook asks a worker to simulate while running a job. */
export type FaultMode = "throw" | "uncaught" | "exit" | "terminate";

/** "Run these rows": inputs and outputs are views of shared memory. */
export interface RunJob {
  /** Message tag. */
  readonly kerno: "run";
  /** Matches the reply to the job. */
  readonly jobId: number;
  /** Which loaded model. */
  readonly handle: number;
  /** One view per model input, exactly the rows to run. */
  readonly inputs: readonly SharedRef[];
  /** One view per flat output to write into, or `null` to send the outputs back in the reply. */
  readonly outputs: readonly SharedRef[] | null;
  /**
   * Outputs named by memory address instead of `outputs` (which is then null): the worker writes
   * them in place through views it drops with the job (`viewAtAddress`), so it never keeps the
   * output buffer, which the caller's thread can then free and reuse as soon as the caller drops
   * the result.
   */
  readonly outputSpans?: readonly AddressRef[];
  /** `batchSize` passed on to the model's `predictFlat`. */
  readonly batchSize?: number;
  /** The product backend, passed on to the model's `predictFlat`. */
  readonly blas?: BlasRequest;
  /** Whether BatchNormalization layers are folded, passed on to the model's `predictFlat`. */
  readonly foldBatchNorm?: boolean;
  /** The caller's deterministic-arithmetic mode, which the worker runs the job in. */
  readonly deterministic?: boolean;
  /**
   * Whether the worker may call the model one `batchSize` batch at a time (bounding its memory);
   * false for stateful models, which must see all their rows in one call.
   */
  readonly split: boolean;
  /** Test-only simulated fault. */
  readonly fault?: FaultMode;
}

/** A flat output sent back by value (only when the job had no output views). */
export interface ReturnedTensor {
  /** Element type. */
  readonly dtype: DType;
  /** Shape. */
  readonly shape: readonly number[];
  /** The values, in a transferred buffer. */
  readonly data: ArrayBuffer;
}

/** Messages a worker posts on the data plane (its control replies, `kerno: "reply"`, are apart). */
export type WorkerMessage =
  | {
    readonly kerno: "ready";
    /** Whether the worker can write outputs named by address (`RunJob.outputSpans`). */
    readonly writesAddresses?: boolean;
  }
  | { readonly kerno: "done"; readonly jobId: number; readonly results: ReturnedTensor[] | null }
  | {
    readonly kerno: "fail";
    readonly jobId: number;
    readonly name: string;
    readonly message: string;
    readonly stack?: string;
  }
  | { readonly kerno: "exit"; readonly reason: string };

/** Bytes per element of each dtype. */
export function bytesPerElement(dtype: DType): number {
  return dtype === "bool" ? 1 : 4;
}
