/**
 * Example 10 — a layer class of your own, registered under its Keras class name. A Keras file
 * names each layer's class; when Kerno has no built-in class of that name (a user-written
 * attention layer, say), you write it in TypeScript as a `Layer` subclass and hand it to the
 * loader: `loadModel(path, { customObjects: { ClassName: (config, options) => … } })`, or
 * register it once for every load with `registerLayer(ClassName, factory)`.
 *
 * A layer says what it computes (`call`), its output shape without running
 * (`computeOutputShape`), its weights (`build` + `addWeight`, in Keras's order and names, so that
 * the file's weights land in them) and its Keras config (`getConfig`, read back in `fromConfig`
 * with a `ConfigReader`, which refuses any argument it does not read).
 *
 * The worked example loads a real `.keras` file, written by Keras 3.15.1, of a seq2seq model
 * whose attention layer is dot-product attention (Luong): `softmax(query · keyᵀ) · value`. The
 * class is written here from scratch and used for the file's `Attention` layer (`customObjects`
 * are looked up before Kerno's own classes, so it replaces the built-in `Attention` for this
 * load); the outputs match the ones Keras recorded.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import {
  type CallContext,
  ConfigReader,
  type DeserializeOptions,
  Layer,
  type LayerOptions,
  type Shape,
  type ShapeContext,
  softmaxAlong,
} from "@kerno/layers";
import { loadModel } from "@kerno/io";
import type { Print } from "./_print.ts";

/** Dot-product attention over `[query, value]` (the key is the value), no weights. */
export class DotAttention extends Layer {
  /** The Keras class name the file uses. */
  static override readonly className: string = "Attention";

  /** Creates the layer. */
  constructor(options: LayerOptions = {}) {
    super(options);
    this.built = true;
  }

  /** `(batch, query steps, value features)`. */
  computeOutputShape(shapes: readonly Shape[], _context: ShapeContext): Shape[] {
    const [query, value] = shapes;
    return [[query[0], query[1], value[2]]];
  }

  /** `softmax(q · vᵀ) · v`, one sample at a time. */
  call(inputs: readonly Tensor[], _context: CallContext): Tensor[] {
    const [q, v] = inputs;
    const [b, tq, d] = q.shape;
    const tv = v.shape[1];
    const out = new Float32Array(b * tq * d);
    const scores = new Float32Array(tq * tv);
    for (let n = 0; n < b; n++) {
      for (let i = 0; i < tq; i++) {
        for (let j = 0; j < tv; j++) {
          let s = 0;
          for (let k = 0; k < d; k++) {
            s += q.f32[(n * tq + i) * d + k] * v.f32[(n * tv + j) * d + k];
          }
          scores[i * tv + j] = s;
        }
      }
      softmaxAlong(scores, [tq, tv], [1]);
      for (let i = 0; i < tq; i++) {
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let j = 0; j < tv; j++) s += scores[i * tv + j] * v.f32[(n * tv + j) * d + k];
          out[(n * tq + i) * d + k] = s;
        }
      }
    }
    return [new Tensor(out, [b, tq, d])];
  }

  /** The Keras config: the base keys and the arguments this class implements. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), use_scale: false, score_mode: "dot", dropout: 0, seed: null };
  }

  /** Reads the Keras config, refusing what this class does not implement. */
  static fromConfig(config: Record<string, unknown>, options: DeserializeOptions): DotAttention {
    const r = new ConfigReader("Attention", config, options);
    if (r.boolean("use_scale", false) || r.string("score_mode", "dot") !== "dot") {
      throw new TypeError(
        `Attention layer "${r.layerName}": only use_scale=false, score_mode="dot"`,
      );
    }
    r.trainingOnly("dropout", "seed");
    const layer = new DotAttention(r.baseOptions());
    r.done();
    return layer;
  }
}

/** The Keras case this example loads (model file and recorded inputs/outputs). */
export const CASE_DIR = new URL(
  "../../tests/fixtures/keras-layers/attention_dot/",
  import.meta.url,
);

/** Loads the Keras file with the class above and compares with Keras's outputs. */
export async function run(print: Print) {
  const model = await loadModel(new URL("model.keras", CASE_DIR), {
    customObjects: { Attention: (config, options) => DotAttention.fromConfig(config, options) },
  });
  const c = JSON.parse(await Deno.readTextFile(new URL("case.json", CASE_DIR)));
  const inputs = c.inputs.map((a: { data: number[]; shape: number[] }) =>
    new Tensor(Float32Array.from(a.data), a.shape)
  );
  const y = model.predictOne(inputs);
  const want: number[] = c.outputs[0].data;
  const maxDiff = want.reduce((m, w, i) => Math.max(m, Math.abs(y.f32[i] - w)), 0);
  print(`layer "attention" is a ${model.getLayer("attention").constructor.name}`);
  print(`max |Kerno − Keras| over ${want.length} outputs: ${maxDiff.toExponential(2)}`);
  return { maxDiff, count: want.length, layerClass: model.getLayer("attention").constructor.name };
}

if (import.meta.main) await run(console.log);
