/**
 * ONNX Runtime for Node (`onnxruntime-node`, an N-API addon: run Deno with `--allow-ffi`): one
 * `LSTM`/`GRU` node with the case's weights (see `onnx_model.ts`), CPU execution provider, at a
 * given number of intra-op threads.
 *
 * @module
 */
import * as ort from "npm:onnxruntime-node@1.30.0";
import type { PeerCase } from "./case.ts";
import { recurrentModel } from "./onnx_model.ts";
import { gruDirection, lstmDirection, stackDirections } from "./onnx_weights.ts";
import type { Runner, RunnerFactory } from "./runner.ts";

/** The serialized ONNX model of a case. */
export function onnxModelOf(c: PeerCase): Uint8Array {
  const toOnnx = c.op === "LSTM" ? lstmDirection : gruDirection;
  const dirs: Float32Array[][] = [];
  for (let d = 0; d < c.directions; d++) {
    const [kernel, recurrent, bias] = c.weights.slice(3 * d, 3 * d + 3);
    dirs.push(toOnnx({ kernel, recurrent, bias }, c.units));
  }
  return recurrentModel({ ...c, weights: stackDirections(dirs) });
}

/** onnxruntime-node's version. */
export const ORT_VERSION: string = ort.env.versions.node ?? "?";

/** ONNX Runtime at `threads` intra-op threads (inter-op 1, sequential, all optimizations). */
export function ortRunner(threads: number): RunnerFactory {
  const label = `onnxruntime ${threads} thread${threads > 1 ? "s" : ""}`;
  return {
    label,
    async create(c: PeerCase): Promise<Runner> {
      const session = await ort.InferenceSession.create(onnxModelOf(c), {
        executionProviders: ["cpu"],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
      const x = new ort.Tensor("float32", c.x, [c.batch, c.timesteps, c.features]);
      return {
        label,
        threads,
        async run() {
          const out = await session.run({ x });
          return out.y.data as Float32Array;
        },
        async dispose() {
          await session.release();
        },
      };
    },
  };
}
