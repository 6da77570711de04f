import assert from "node:assert/strict";
import { H5Writer } from "./h5/mod.ts";
import { weightsFromBytes } from "./load.ts";
import { kerasWeightSlots } from "./weight_paths.ts";
import { caseNames, KERAS_FIXTURES, readCaseJson } from "./_test_util.ts";
import { modelFromJSON } from "@kerno/model";

/** A `.weights.h5` as tf.keras 2.15 wrote it on Windows: `layers\lstm\cell/vars/0`, … */
function windowsWeights(model: ReturnType<typeof modelFromJSON>): Uint8Array {
  const w = new H5Writer();
  for (const slot of kerasWeightSlots(model)) {
    const group = slot.path === "" ? "vars" : `${slot.path.replaceAll("/", "\\")}/vars`;
    w.group(group, { name: slot.name });
    slot.variables.forEach((v, i) => w.dataset(`${group}/${i}`, v.value.f32.slice(), v.shape));
  }
  return w.toBytes();
}

Deno.test("weightsFromBytes reads group names joined with backslashes (tf.keras 2.15 on Windows)", () => {
  const name = "bidi_custom_backward_layer";
  if (!caseNames(KERAS_FIXTURES).includes(name)) {
    throw new Error(`fixture ${name} missing from ${KERAS_FIXTURES}`);
  }
  const config = readCaseJson(KERAS_FIXTURES, name).model_config as object;
  const src = modelFromJSON(config);
  const paths = kerasWeightSlots(src).map((s) => s.path).filter((p) => p.includes("/"));
  assert.ok(paths.length > 0, "the case has nested paths");
  const bytes = windowsWeights(src);
  const dst = modelFromJSON(config);
  assert.notDeepEqual(
    dst.getWeights().map((t) => Array.from(t.f32)),
    src.getWeights().map((t) => Array.from(t.f32)),
  );
  weightsFromBytes(dst, bytes, "windows.weights.h5");
  assert.deepEqual(
    dst.getWeights().map((t) => Array.from(t.f32)),
    src.getWeights().map((t) => Array.from(t.f32)),
  );
});
