/**
 * Test helper: runs one recurrent layer of a Keras reference case (`<case>/case.json`) eagerly
 * and compares it with the outputs Keras 3 recorded. Internal to the tests of `rnn/`.
 *
 * @module
 */
import { Tensor } from "@kerno/tensor";
import { flattenNested, type Layer, type SerializedLayer } from "../layer.ts";
import { deserializeLayer, serializeLayer } from "../registry.ts";
import "./mod.ts";

/** One array of a case: `{name, shape, dtype, data}` (flat, row-major). */
export interface FixtureArray {
  /** Name Keras gave it. */
  name: string;
  /** Shape. */
  shape: number[];
  /** `float32` or `int32`. */
  dtype?: string;
  /** Flat values. */
  data: number[];
}

/** The parts of a `case.json` the layer tests use. */
export interface FixtureCase {
  /** Case id. */
  name: string;
  /** What the case covers. */
  description: string;
  /** `json.loads(model.to_json())`. */
  model_config: { config: { layers: SerializedLayer[] } };
  /** `model.get_weights()` in order. */
  weights: FixtureArray[];
  /** Model inputs, in order. */
  inputs: FixtureArray[];
  /** Flattened `predict()` outputs. */
  outputs: FixtureArray[];
  /** Later runs on the same model (stateful, variable timesteps). */
  extra_runs?: { inputs: FixtureArray[]; outputs: FixtureArray[]; before?: string | null }[];
}

const RNN_CLASSES = new Set([
  "SimpleRNN",
  "LSTM",
  "GRU",
  "RNN",
  "Bidirectional",
]);

/** The fixture folder: the repo's copy when it exists, else the shared one. */
export function fixtureDir(): string {
  const local = new URL("../../../tests/fixtures/keras", import.meta.url);
  try {
    if (Deno.statSync(local).isDirectory) return local.pathname;
  } catch {
    // fall through to the shared copy
  }
  return "/work/shared/fixtures/keras";
}

/** Reads `<case>/case.json`. */
export function loadCase(name: string): FixtureCase {
  return JSON.parse(Deno.readTextFileSync(`${fixtureDir()}/${name}/case.json`));
}

/** A fixture array as a tensor (float32 values rounded back with a Float32Array). */
export function toTensor(a: FixtureArray): Tensor {
  const data = a.dtype === "int32" ? Int32Array.from(a.data) : Float32Array.from(a.data);
  return new Tensor(data, a.shape);
}

/** The config of the case's one recurrent layer. */
export function recurrentLayerConfig(c: FixtureCase): SerializedLayer {
  const found = c.model_config.config.layers.filter((l) => RNN_CLASSES.has(l.class_name));
  if (found.length !== 1) {
    throw new Error(`case ${c.name}: expected one recurrent layer, found ${found.length}`);
  }
  return found[0];
}

/** Whether the case masks its input with `Masking(0.0)`. */
export function usesMasking(c: FixtureCase): boolean {
  return c.model_config.config.layers.some((l) => l.class_name === "Masking");
}

/** The mask `Masking(0.0)` computes: a step is kept when any feature is non-zero. */
export function maskFromInput(x: Tensor): Tensor {
  const [batch, steps, dim] = x.shape;
  const out = new Uint8Array(batch * steps);
  const d = x.f32;
  for (let i = 0; i < batch * steps; i++) {
    for (let j = 0; j < dim; j++) {
      if (d[i * dim + j] !== 0) {
        out[i] = 1;
        break;
      }
    }
  }
  return new Tensor(out, [batch, steps]);
}

/** Largest `|got − want|` over elements failing `≤ 1e-5 + 1e-5·|want|` (0 when all pass). */
export function assertClose(got: Tensor, want: FixtureArray, where: string): number {
  const shape = want.shape.join(",");
  if (got.shape.join(",") !== shape) {
    throw new Error(`${where}: shape [${got.shape}] differs from Keras [${shape}]`);
  }
  const g = got.f32;
  let worst = 0;
  for (let i = 0; i < g.length; i++) {
    const w = Math.fround(want.data[i]);
    const diff = Math.abs(g[i] - w);
    worst = Math.max(worst, diff);
    if (!(diff <= 1e-5 + 1e-5 * Math.abs(w))) {
      throw new Error(`${where}: element ${i} is ${g[i]}, Keras ${w} (|diff| ${diff})`);
    }
  }
  return worst;
}

/** What {@linkcode runCase} returns: the layer and the worst difference seen. */
export interface CaseRun {
  /** The layer, built and with the case's weights. */
  layer: Layer;
  /** Largest |diff| over every run and output. */
  maxDiff: number;
  /** Number of runs compared (1 + extra runs). */
  runs: number;
}

/**
 * Deserializes the case's recurrent layer, builds it, sets the case's weights, runs it
 * eagerly on the inputs (extra inputs are initial states; a Masking case gets the mask
 * computed from the input) and compares every output, extra runs included.
 */
export function runCase(name: string): CaseRun {
  const c = loadCase(name);
  const layer = deserializeLayer(recurrentLayerConfig(c));
  const masked = usesMasking(c);
  const first = c.inputs.map(toTensor);
  layer.build([first[0].shape], {
    initialState: first.length > 1 ? first.slice(1).map((t) => t.shape) : null,
    extraArgs: [],
  });
  layer.setWeights(c.weights.map((w) => new Tensor(Float32Array.from(w.data), w.shape)));
  const run = (inputs: FixtureArray[], outputs: FixtureArray[], label: string): number => {
    const [x, ...init] = inputs.map(toTensor);
    const result = layer.apply(x, {
      initialState: init.length > 0 ? init : undefined,
      mask: masked ? maskFromInput(x) : undefined,
    });
    const flat = flattenNested(result, (v): v is Tensor => v instanceof Tensor);
    if (flat.length !== outputs.length) {
      throw new Error(`${label}: ${flat.length} outputs, Keras has ${outputs.length}`);
    }
    return Math.max(...flat.map((t, i) => assertClose(t, outputs[i], `${label} output ${i}`)));
  };
  let maxDiff = run(c.inputs, c.outputs, `${name} run 0`);
  (c.extra_runs ?? []).forEach((r, i) => {
    if (r.before === "reset_states") (layer as unknown as { resetStates(): void }).resetStates();
    maxDiff = Math.max(maxDiff, run(r.inputs, r.outputs, `${name} run ${i + 1}`));
  });
  return { layer, maxDiff, runs: 1 + (c.extra_runs?.length ?? 0) };
}

/**
 * Re-creates the case's recurrent layer from its config, builds it as Keras did
 * (`build_config`), and returns what Kerno serializes next to what Keras wrote (the
 * Functional-only keys `name` and `inbound_nodes` left out).
 */
export function configRoundTrip(name: string): {
  got: Record<string, unknown>;
  want: Record<string, unknown>;
} {
  const c = loadCase(name);
  const cfg = recurrentLayerConfig(c) as SerializedLayer & Record<string, unknown>;
  const layer = deserializeLayer(cfg);
  const bc = cfg.build_config as {
    input_shape?: (number | null)[];
    shapes_dict?: {
      sequences_shape: (number | null)[];
      initial_state_shape: (number | null)[] | (number | null)[][];
    };
  };
  if (bc.shapes_dict) {
    const s = bc.shapes_dict.initial_state_shape;
    const init = Array.isArray(s[0]) ? s as (number | null)[][] : [s as (number | null)[]];
    layer.build([bc.shapes_dict.sequences_shape], { initialState: init, extraArgs: [] });
  } else {
    layer.build([bc.input_shape!], { initialState: null, extraArgs: [] });
  }
  const { name: _n, inbound_nodes: _i, ...want } = cfg;
  return { got: serializeLayer(layer) as unknown as Record<string, unknown>, want };
}
