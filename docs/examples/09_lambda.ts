/**
 * Example 9 — Lambda layers without Python. Kerno never runs the Python a Keras file stores in a
 * `Lambda`; you write the body in TypeScript and pass it by layer name when loading:
 * `loadModel(path, { lambdas: { lambda_1: (x) => … } })`. These are the Lambdas seen most in
 * public recurrent models:
 *
 * ```python
 * layers.Lambda(lambda x: K.reverse(x, axes=1))              # reverse along time
 * layers.Lambda(lambda x: K.mean(x, axis=1))                 # mean over time (also K.sum)
 * layers.Lambda(lambda x: x[:, -1, :])                       # slicing: the last timestep
 * layers.Lambda(lambda t: K.exp(-K.sum(K.abs(t[0] - t[1]), axis=1, keepdims=True)))  # MaLSTM distance
 * ```
 *
 * Each body takes the layer's input (a list for several inputs) and returns one tensor with the
 * batch first; each output row must depend only on the same input row. The output shape is
 * inferred by running the body on a small probe input, or given as `{ fn, outputShape }`.
 *
 * @module
 */
import { Tensor, tensor } from "@kerno/tensor";
import { Lambda, LSTM } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { modelFromBytes, modelToBytes } from "@kerno/io";
import type { SymbolicTensor } from "@kerno/layers";
import { type Print, shapeText, valuesText } from "./_print.ts";

/** `K.reverse(x, axes=1)`: `[batch, time, features]` with time reversed. */
export function reverseTime(x: Tensor | Tensor[]): Tensor {
  const t = x as Tensor;
  const [b, steps, f] = t.shape;
  const out = new Float32Array(t.size);
  for (let r = 0; r < b; r++) {
    for (let s = 0; s < steps; s++) {
      out.set(
        t.f32.subarray((r * steps + s) * f, (r * steps + s + 1) * f),
        (r * steps + steps - 1 - s) * f,
      );
    }
  }
  return new Tensor(out, t.shape);
}

/** `K.mean(x, axis=1)`: the mean over time, `[batch, features]`. */
export function meanOverTime(x: Tensor | Tensor[]): Tensor {
  const t = x as Tensor;
  const [b, steps, f] = t.shape;
  const sums = new Float64Array(b * f);
  for (let i = 0; i < t.size; i++) sums[Math.floor(i / (steps * f)) * f + (i % f)] += t.f32[i];
  return new Tensor(Float32Array.from(sums, (v) => v / steps), [b, f]);
}

/** `x[:, -1, :]`: the last timestep, `[batch, features]`. */
export function lastStep(x: Tensor | Tensor[]): Tensor {
  const t = x as Tensor;
  const [b, steps, f] = t.shape;
  const out = new Float32Array(b * f);
  for (let r = 0; r < b; r++) {
    out.set(t.f32.subarray(((r + 1) * steps - 1) * f, (r + 1) * steps * f), r * f);
  }
  return new Tensor(out, [b, f]);
}

/** MaLSTM's similarity `exp(−Σ|a − b|)` of two `[batch, features]` encodings, `[batch, 1]`. */
export function manhattanSimilarity(x: Tensor | Tensor[]): Tensor {
  const [a, b] = x as Tensor[];
  const [n, f] = a.shape;
  const out = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let j = 0; j < f; j++) s += Math.abs(a.f32[r * f + j] - b.f32[r * f + j]);
    out[r] = Math.exp(-s);
  }
  return new Tensor(out, [n, 1]);
}

/** Builds a model with the four Lambdas, saves it, and loads it back with the bodies by name. */
export function run(print: Print) {
  // A Siamese model: the same LSTM reads both sequences (one of them reversed).
  const left = Input({ shape: [3, 2], name: "left" });
  const right = Input({ shape: [3, 2], name: "right" });
  const lstm = new LSTM(2, { returnSequences: true, name: "shared_lstm" });
  const reversed = new Lambda(reverseTime, { name: "reverse" }).apply(right) as SymbolicTensor;
  const a = new Lambda(lastStep, { name: "last" }).apply(lstm.apply(left) as SymbolicTensor);
  const b = new Lambda(meanOverTime, { name: "mean" }).apply(
    lstm.apply(reversed) as SymbolicTensor,
  );
  const sim = new Lambda(manhattanSimilarity, { name: "similarity" })
    .apply([a, b] as SymbolicTensor[]) as SymbolicTensor;
  const model = new Model({ inputs: [left, right], outputs: sim });
  print(`output shape ${shapeText(sim.shape)} (inferred by running the bodies)`);

  // What a Keras file holds is the Python; the bodies come back by layer name.
  const bytes = modelToBytes(model);
  let refusal = "";
  try {
    modelFromBytes(bytes);
  } catch (e) {
    refusal = (e as Error).message;
  }
  print(refusal.split("\n").slice(0, 5).join("\n"));
  const loaded = modelFromBytes(bytes, {
    lambdas: {
      reverse: reverseTime,
      last: lastStep,
      mean: meanOverTime,
      similarity: { fn: manhattanSimilarity, outputShape: [1] },
    },
  });
  const x1 = tensor([[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]]);
  const x2 = tensor([[[0.6, 0.5], [0.4, 0.3], [0.2, 0.1]]]);
  const y = loaded.predictOne([x1, x2]);
  const same = model.predict([x1, x2]); // a Tensor: `outputs` is one SymbolicTensor
  print(`similarity ${valuesText(y.f32)} (the model built in code: ${valuesText(same.f32)})`);
  return { outputShape: sim.shape, refusal, similarity: y.f32[0], inCode: same.f32[0] };
}

if (import.meta.main) run(console.log);
