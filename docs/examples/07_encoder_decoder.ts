/**
 * Example 7 — the encoder–decoder of the Keras RNN guide: the encoder LSTM's final `[h, c]`
 * becomes the decoder LSTM's `initialState`. Both read token ids through an Embedding.
 *
 * ```text
 * encoder tokens (None, None) → Embedding(1000, 64) → LSTM(64, returnState) → [h, c]
 * decoder tokens (None, None) → Embedding(2000, 64) → LSTM(64, initialState: [h, c]) → Dense(10)
 * ```
 *
 * Params: 64,000 + 33,024 (encoder) + 128,000 + 33,024 (decoder) + 650 = 258,698. The weights
 * are Keras's default initializers (random), so the example prints shapes and counts, and shows
 * that the decoder's output depends on the encoder's input only through the state.
 *
 * @module
 */
import { tensor } from "@kerno/tensor";
import { Dense, Embedding, LSTM } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { type Print, shapeText } from "./_print.ts";

/** What the example found. */
export interface EncoderDecoderResult {
  /** `model.countParams()`. */
  total: number;
  /** Params per layer name. */
  params: Record<string, number>;
  /** Shape of the prediction for 2 pairs of sequences. */
  outputShape: number[];
  /** Largest change of the output when only the encoder tokens change (> 0). */
  encoderEffect: number;
}

/** Runs the example, printing through `print`. */
export function run(print: Print): EncoderDecoderResult {
  const encoderVocab = 1000;
  const decoderVocab = 2000;

  const encoderInput = Input({ shape: [null], dtype: "int32" });
  const encoderEmbedded = new Embedding(encoderVocab, 64).apply(encoderInput);
  const [, stateH, stateC] = new LSTM(64, { returnState: true, name: "encoder" })
    .apply(encoderEmbedded as never) as unknown[];
  const encoderState = [stateH, stateC];

  const decoderInput = Input({ shape: [null], dtype: "int32" });
  const decoderEmbedded = new Embedding(decoderVocab, 64).apply(decoderInput);
  const decoderOutput = new LSTM(64, { name: "decoder" }).apply(decoderEmbedded as never, {
    initialState: encoderState as never[],
  });
  const output = new Dense(10).apply(decoderOutput as never);
  const model = new Model({ inputs: [encoderInput, decoderInput], outputs: output as never });

  model.summary((line: string) => print(line));
  const params: Record<string, number> = {};
  for (const layer of model.layers) params[layer.name] = layer.countParams();

  // Two pairs: encoder sequences of 6 tokens, decoder sequences of 4 tokens.
  const enc = tensor([[5, 17, 230, 9, 41, 3], [800, 2, 77, 15, 6, 999]], undefined, "int32");
  const dec = tensor([[1, 1500, 32, 7], [1, 64, 1999, 12]], undefined, "int32");
  const y = model.predictOne([enc, dec]);
  print(
    `predict([encoder ${shapeText(enc.shape)}, decoder ${shapeText(dec.shape)}]) -> ` +
      shapeText(y.shape),
  );

  const enc2 = tensor([[6, 18, 231, 10, 42, 4], [801, 3, 78, 16, 7, 998]], undefined, "int32");
  const y2 = model.predictOne([enc2, dec]);
  let encoderEffect = 0;
  for (let i = 0; i < y.size; i++) {
    encoderEffect = Math.max(encoderEffect, Math.abs(y.data[i] - y2.data[i]));
  }
  print(
    `other encoder tokens, same decoder tokens: output changes by up to ` +
      encoderEffect.toPrecision(3),
  );
  return { total: model.countParams(), params, outputShape: [...y.shape], encoderEffect };
}
