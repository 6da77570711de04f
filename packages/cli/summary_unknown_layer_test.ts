import assert from "node:assert/strict";
import { H5Writer } from "@kerno/io/h5";
import { runMain as run } from "./_test_util.ts";

/** A legacy `.h5` whose model uses a layer class written for it (a custom attention layer). */
function customLayerFile(): Uint8Array {
  const config = {
    class_name: "Sequential",
    config: {
      name: "sequential",
      layers: [
        { class_name: "InputLayer", config: { name: "in", batch_shape: [null, 5, 3] } },
        { class_name: "LSTM", config: { name: "lstm", units: 4, return_sequences: true } },
        { class_name: "AttentionWithContext", config: { name: "att", bias: true } },
      ],
    },
  };
  const w = new H5Writer();
  w.rootAttr("keras_version", "2.4.0");
  w.rootAttr("model_config", JSON.stringify(config));
  w.group("model_weights", { layer_names: [] });
  return w.toBytes();
}

Deno.test("kerno summary names an unsupported layer class and what to do", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kerno_summary_" });
  try {
    const path = `${dir}/custom.h5`;
    await Deno.writeFile(path, customLayerFile());
    const r = await run(["summary", path]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.match(
      r.err,
      /^kerno: error: cannot load model .*custom\.h5: Unknown layer class "AttentionWithContext" \(layer "att"\): Kerno has no layer of that name\. If it is a layer class written for this model/,
    );
    assert.match(r.err, /loadModel\(path, \{ customObjects: \{ AttentionWithContext: /);
    assert.match(r.err, /see the guide's "Lambda and custom layers"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
