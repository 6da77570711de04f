/**
 * Keras 2 CuDNNLSTM / CuDNNGRU files: a legacy `.h5` built the way Keras 2.2.4 wrote one, checked
 * against the recurrence cuDNN computes, written out here from its definition (each gate's input
 * block read in C order as a `(units, input)` matrix, both biases added, GRU's reset gate applied
 * after the recurrent product), independently of the converter.
 */
import assert from "node:assert/strict";
import { Tensor } from "@kerno/tensor";
import { H5Writer } from "./h5/mod.ts";
import { modelFromBytes } from "./load.ts";

const IN = 2;
const UNITS = 3;
const T = 4;

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = Math.fround((s / 2147483648 - 0.5) * 1.2);
  }
  return out;
}

/** A Keras 2.2.4-style Sequential `.h5` holding one cuDNN layer. */
function cudnnFile(cls: "CuDNNLSTM" | "CuDNNGRU", weights: Float32Array[]): Uint8Array {
  const gates = cls === "CuDNNLSTM" ? 4 : 3;
  const name = cls === "CuDNNLSTM" ? "cu_dnnlstm_1" : "cu_dnngru_1";
  const config = {
    class_name: "Sequential",
    config: {
      name: "sequential_1",
      layers: [{
        class_name: cls,
        config: {
          name,
          trainable: true,
          batch_input_shape: [null, T, IN],
          dtype: "float32",
          return_sequences: true,
          return_state: false,
          go_backwards: false,
          stateful: false,
          units: UNITS,
          kernel_initializer: {
            class_name: "VarianceScaling",
            config: { scale: 1.0, mode: "fan_avg", distribution: "uniform", seed: null },
          },
          recurrent_initializer: { class_name: "Orthogonal", config: { gain: 1.0, seed: null } },
          bias_initializer: { class_name: "Zeros", config: {} },
          ...(cls === "CuDNNLSTM" ? { unit_forget_bias: true } : {}),
          kernel_regularizer: null,
          recurrent_regularizer: null,
          bias_regularizer: null,
          activity_regularizer: null,
          kernel_constraint: null,
          recurrent_constraint: null,
          bias_constraint: null,
        },
      }],
    },
  };
  const w = new H5Writer();
  w.rootAttr("keras_version", "2.2.4");
  w.rootAttr("backend", "tensorflow");
  w.rootAttr("model_config", JSON.stringify(config));
  const names = [`${name}/kernel:0`, `${name}/recurrent_kernel:0`, `${name}/bias:0`];
  w.group("model_weights", { layer_names: [name], backend: "tensorflow", keras_version: "2.2.4" });
  w.group(`model_weights/${name}`, { weight_names: names });
  const shapes = [[IN, gates * UNITS], [UNITS, gates * UNITS], [2 * gates * UNITS]];
  names.forEach((n, i) => w.dataset(`model_weights/${name}/${n}`, weights[i], shapes[i]));
  return w.toBytes();
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** cuDNN's gate pre-activations: W_g·x (W_g the gate's input block read as (units, in)). */
function inputPart(kernel: Float32Array, gates: number, g: number, x: Float64Array): number[] {
  const block: number[] = []; // the (IN, UNITS) block of gate g in C order
  for (let r = 0; r < IN; r++) {
    for (let c = 0; c < UNITS; c++) block.push(kernel[r * gates * UNITS + g * UNITS + c]);
  }
  return Array.from({ length: UNITS }, (_, u) => {
    let s = 0;
    for (let i = 0; i < IN; i++) s += block[u * IN + i] * x[i];
    return s;
  });
}

/** R_g·h with R_g the gate's (UNITS, UNITS) recurrent block read as is. */
function recurrentPart(rk: Float32Array, gates: number, g: number, h: number[]): number[] {
  return Array.from({ length: UNITS }, (_, u) => {
    let s = 0;
    for (let k = 0; k < UNITS; k++) s += rk[u * gates * UNITS + g * UNITS + k] * h[k];
    return s;
  });
}

function cudnnLstm(w: Float32Array[], xs: Float64Array[]): number[][] {
  let h = new Array(UNITS).fill(0);
  let c = new Array(UNITS).fill(0);
  const out: number[][] = [];
  for (const x of xs) {
    const z = [0, 1, 2, 3].map((g) => {
      const a = inputPart(w[0], 4, g, x);
      const b = recurrentPart(w[1], 4, g, h);
      return a.map((v, u) => v + b[u] + w[2][g * UNITS + u] + w[2][4 * UNITS + g * UNITS + u]);
    });
    c = c.map((cv, u) => sigmoid(z[1][u]) * cv + sigmoid(z[0][u]) * Math.tanh(z[2][u]));
    h = c.map((cv, u) => sigmoid(z[3][u]) * Math.tanh(cv));
    out.push([...h]);
  }
  return out;
}

function cudnnGru(w: Float32Array[], xs: Float64Array[]): number[][] {
  let h = new Array(UNITS).fill(0);
  const out: number[][] = [];
  const bi = (g: number, u: number) => w[2][g * UNITS + u];
  const br = (g: number, u: number) => w[2][3 * UNITS + g * UNITS + u];
  for (const x of xs) {
    const [xz, xr, xh] = [0, 1, 2].map((g) => inputPart(w[0], 3, g, x));
    const [hz, hr, hh] = [0, 1, 2].map((g) => recurrentPart(w[1], 3, g, h));
    const z = xz.map((v, u) => sigmoid(v + bi(0, u) + hz[u] + br(0, u)));
    const r = xr.map((v, u) => sigmoid(v + bi(1, u) + hr[u] + br(1, u)));
    const cand = xh.map((v, u) => Math.tanh(v + bi(2, u) + r[u] * (hh[u] + br(2, u))));
    h = h.map((hv, u) => z[u] * hv + (1 - z[u]) * cand[u]);
    out.push([...h]);
  }
  return out;
}

function check(cls: "CuDNNLSTM" | "CuDNNGRU"): void {
  const gates = cls === "CuDNNLSTM" ? 4 : 3;
  const w = [
    values(IN * gates * UNITS, 1),
    values(UNITS * gates * UNITS, 2),
    values(2 * gates * UNITS, 3),
  ];
  const notes: string[] = [];
  const model = modelFromBytes(cudnnFile(cls, w), { label: `${cls}.h5`, notes });
  const layer = model.layers[0];
  assert.equal(layer.className, cls === "CuDNNLSTM" ? "LSTM" : "GRU");
  assert.ok(notes.some((n) => n.includes(`${cls} "${layer.name}": read as`)), notes.join("\n"));
  const x = values(T * IN, 4);
  const y = model.predict(new Tensor(x, [1, T, IN])) as Tensor;
  const xs = Array.from(
    { length: T },
    (_, t) => Float64Array.from(x.subarray(t * IN, (t + 1) * IN)),
  );
  const want = (cls === "CuDNNLSTM" ? cudnnLstm : cudnnGru)(w, xs).flat();
  assert.deepEqual(y.shape, [1, T, UNITS]);
  want.forEach((v, i) => {
    assert.ok(
      Math.abs(y.f32[i] - v) <= 1e-5 + 1e-5 * Math.abs(v),
      `${cls} value ${i}: ${y.f32[i]} != ${v}`,
    );
  });
}

Deno.test("a Keras 2 CuDNNLSTM .h5 loads as LSTM and computes what cuDNN computed", () => {
  check("CuDNNLSTM");
});

Deno.test("a Keras 2 CuDNNGRU .h5 loads as GRU(reset_after) and computes what cuDNN computed", () => {
  check("CuDNNGRU");
});
