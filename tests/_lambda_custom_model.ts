/**
 * A model with a Lambda layer and a layer class of the user's, for the pool and `kerno predict`
 * tests: LSTM → Lambda "reverse" → AttentionPooling (`_pool_setup.ts`) → Dense, saved to a
 * `.keras` file's bytes and loaded back with the setup module's functions, as a user loads it.
 *
 * @module
 */
import { Dense, Lambda, LSTM, resetLayerNames, type SymbolicTensor } from "@kerno/layers";
import { Input, Model } from "@kerno/model";
import { modelFromBytes, modelToBytes } from "@kerno/io";
import { importSetup } from "@kerno/executor";
import { reverseTime } from "../docs/examples/09_lambda.ts";
import { AttentionPooling } from "./_pool_setup.ts";

/** The setup module the model needs (its Lambda body and its AttentionPooling class). */
export const SETUP: URL = new URL("./_pool_setup.ts", import.meta.url);

/** The model's `.keras` bytes (seeded by the layer names only; weights from the initializers). */
export function lambdaAndCustomBytes(): Uint8Array {
  resetLayerNames();
  const inputs = Input({ shape: [6, 3] });
  const seq = new LSTM(4, { returnSequences: true }).apply(inputs) as SymbolicTensor;
  const reversed = new Lambda(reverseTime, { name: "reverse" }).apply(seq) as SymbolicTensor;
  const pooled = new AttentionPooling().apply(reversed) as SymbolicTensor;
  const built = new Model({ inputs, outputs: new Dense(2).apply(pooled) as SymbolicTensor });
  return modelToBytes(built);
}

/** The model, loaded from its bytes with the setup module's functions. */
export async function lambdaAndCustomModel(): Promise<Model> {
  return modelFromBytes(lambdaAndCustomBytes(), await importSetup(SETUP));
}
