/**
 * TensorFlow.js: the same layer built with its layers API (`tf.layers.lstm`, `bidirectional`),
 * weights set from Kerno's arrays, on the `cpu` backend or the `wasm` backend (XNNPACK; loaded
 * from the `.wasm` files inside the npm package). tfjs's `GRU` refuses `resetAfter: true`
 * ("GRUCell does not support reset_after parameter set to true"), so W2 runs as a loop of tfjs
 * ops that mirrors tfjs's own `GRUCell` step (two matMuls per step) with Keras's reset_after.
 *
 * @module
 */
import * as tf from "npm:@tensorflow/tfjs@4.22.0";
import { setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";
import { createRequire } from "node:module";
import type { PeerCase } from "./case.ts";
import type { Runner, RunnerFactory } from "./runner.ts";

/** tfjs's version. */
export const TFJS_VERSION: string = tf.version.tfjs;

let wasmReady: Promise<void> | null = null;

/**
 * Makes `backend` the current tfjs backend. For `wasm` the `.wasm` files are read from the
 * npm package's `dist/` folder (Deno's npm cache or node_modules); throws when it cannot load.
 */
export async function useBackend(backend: "cpu" | "wasm"): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (backend === "wasm") {
    wasmReady ??= (async () => {
      const main = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
      setWasmPaths(main.replace(/[^/\\]+$/, ""));
      if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
    })();
    await wasmReady;
  }
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) {
    throw new Error(`tfjs backend "${backend}" could not be set (current: ${tf.getBackend()})`);
  }
}

/** Describes the wasm backend's features once it is loaded (SIMD, threads). */
export function wasmFeatures(): string {
  const e = tf.env();
  const simd = e.getBool("WASM_HAS_SIMD_SUPPORT") ? "simd" : "no simd";
  const mt = e.getBool("WASM_HAS_MULTITHREAD_SUPPORT") ? "threads" : "1 thread";
  return `${simd}, ${mt}`;
}

function layersModel(c: PeerCase): tf.Sequential {
  const inputShape = [c.timesteps, c.features];
  const lstm = (extra: Partial<Parameters<typeof tf.layers.lstm>[0]>) =>
    tf.layers.lstm({
      units: c.units,
      activation: "tanh",
      recurrentActivation: "sigmoid", // tfjs's default is hardSigmoid; Keras 3's is sigmoid
      // setWeights replaces them: skip tfjs's slow orthogonal initializer (a JS QR).
      kernelInitializer: "zeros",
      recurrentInitializer: "zeros",
      returnSequences: c.sequence,
      ...extra,
    });
  const model = tf.sequential();
  if (c.directions === 2) {
    const layer = lstm({}) as unknown as tf.RNN;
    model.add(tf.layers.bidirectional({ layer, mergeMode: "concat", inputShape }));
  } else {
    model.add(lstm({ inputShape }));
  }
  const ws = c.weights.map((w, i) => tf.tensor(w, [...c.weightShapes[i]]));
  model.setWeights(ws);
  tf.dispose(ws);
  return model;
}

/** Keras GRU(reset_after=True) as tfjs ops, one tidy per step; returns the last state. */
function gruLoop(x: tf.Tensor3D, kernel: tf.Tensor2D, recurrent: tf.Tensor2D, bias: tf.Tensor2D) {
  const [batch, steps, features] = x.shape;
  const units = recurrent.shape[0];
  const [bx, bh] = tf.unstack(bias) as tf.Tensor1D[];
  let h: tf.Tensor2D = tf.zeros([batch, units]);
  for (let t = 0; t < steps; t++) {
    const next = tf.tidy(() => {
      const xt = tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, features]), [batch, features]);
      const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, kernel), bx), 3, 1);
      const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h, recurrent), bh), 3, 1);
      const z = tf.sigmoid(tf.add(xz, hz));
      const r = tf.sigmoid(tf.add(xr, hr));
      const candidate = tf.tanh(tf.add(xh, tf.mul(r, hh)));
      return tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D;
    });
    h.dispose();
    h = next;
  }
  tf.dispose([bx, bh]);
  return h;
}

function gruRunner(
  c: PeerCase,
  backend: "cpu" | "wasm",
  label: string,
  x: tf.Tensor3D,
): Runner {
  const [kernel, recurrent, bias] = c.weights.map((w, i) =>
    tf.tensor2d(w, [c.weightShapes[i][0], c.weightShapes[i][1]])
  );
  return {
    label,
    threads: 1,
    async run() {
      await useBackend(backend);
      const y = gruLoop(x, kernel, recurrent, bias);
      const data = y.dataSync();
      y.dispose();
      return data;
    },
    dispose() {
      tf.dispose([x, kernel, recurrent, bias]);
      return Promise.resolve();
    },
  };
}

/** tfjs on `backend`: the layers API for LSTM cases, an ops loop for the GRU case. */
export function tfjsRunner(backend: "cpu" | "wasm"): RunnerFactory {
  return {
    label: `tfjs-${backend}`,
    slow: backend === "cpu",
    async create(c: PeerCase): Promise<Runner> {
      await useBackend(backend);
      const x = tf.tensor3d(c.x, [c.batch, c.timesteps, c.features]);
      if (c.op === "GRU") return gruRunner(c, backend, `tfjs-${backend} (ops loop)`, x);
      const model = layersModel(c);
      return {
        label: `tfjs-${backend} (layers)`,
        threads: 1,
        async run() {
          await useBackend(backend); // the runtimes take turns: tfjs-cpu and tfjs-wasm alternate
          const y = model.predict(x, { batchSize: c.batch }) as tf.Tensor;
          const data = y.dataSync();
          y.dispose();
          return data;
        },
        dispose() {
          x.dispose();
          model.dispose();
          return Promise.resolve();
        },
      };
    },
  };
}
