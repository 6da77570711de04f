/**
 * Translation of Keras 2 / tf.keras model configs into the Keras 3 form `modelFromJSON` reads.
 *
 * @module
 */

type Json = Record<string, unknown>;

const RNN_CLASSES = new Set(["LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM2D"]);
const CELL_CLASSES = new Set(["LSTMCell", "GRUCell", "SimpleRNNCell"]);

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function layerLabel(layer: Json): string {
  const config = isObject(layer.config) ? layer.config : {};
  return `${layer.class_name} "${config.name ?? layer.name ?? "?"}"`;
}

/**
 * Rewrites a legacy (Keras 2 / tf.keras) model config into the Keras 3 form, pushing one line to
 * `notes` per change. Keras 3 configs pass through unchanged (and add no notes). Handled:
 *
 * - `class_name: "Model"` → `Functional`; a Sequential config that is a bare list of layers;
 * - `batch_input_shape` on the first layer of a Sequential without an InputLayer → an InputLayer
 *   with that `batch_shape` (Keras 3 itself adds a second batch axis there); on other layers it
 *   is dropped; InputLayer's `batch_input_shape` becomes `batch_shape`;
 * - `time_major: false`, `implementation` and Embedding's `input_length` are dropped
 *   (`time_major: true` is refused);
 * - a GRU without `reset_after` (Keras < 2.1.5) gets `reset_after: false`, the formula it used;
 * - Keras 2's CuDNNLSTM / CuDNNGRU become LSTM / GRU with cuDNN's activations (tanh, sigmoid; GRU
 *   with `reset_after: true`); the weight loader converts their weights;
 * - Functional `inbound_nodes` in the nested-list form become `{args, kwargs}`; the extra inputs
 *   Keras 2 recorded on a recurrent layer become its `initial_state`; `input_layers` and
 *   `output_layers` lists of one become that one entry, as Keras 3's `from_config` reads them.
 *
 * @example
 * ```ts
 * import { translateLegacyConfig } from "@kerno/io";
 * const notes: string[] = [];
 * const config = translateLegacyConfig({ class_name: "Sequential", config: [] }, notes);
 * // notes: ["Sequential config was a bare list of layers (Keras <= 2.2.2); wrapped as {name, layers}"]
 * ```
 */
export function translateLegacyConfig(
  model: unknown,
  notes: string[],
): Record<string, unknown> {
  if (!isObject(model) || typeof model.class_name !== "string") {
    throw new TypeError(
      `Expected a Keras model config {class_name, config}, received ${
        JSON.stringify(model)?.slice(0, 100)
      }`,
    );
  }
  const out: Json = { ...model };
  if (out.class_name === "Model") {
    out.class_name = "Functional";
    notes.push('model class "Model" (Keras <= 2.2) read as "Functional"');
  }
  if (out.class_name === "Sequential") {
    let config = out.config;
    if (Array.isArray(config)) {
      config = { name: "sequential", layers: config };
      notes.push(
        "Sequential config was a bare list of layers (Keras <= 2.2.2); wrapped as {name, layers}",
      );
    }
    if (!isObject(config) || !Array.isArray(config.layers)) {
      throw new TypeError(`Sequential config has no "layers" list`);
    }
    out.config = { ...config, layers: sequentialLayers(config.layers as Json[], notes) };
  } else if (out.class_name === "Functional") {
    const config = out.config;
    if (!isObject(config) || !Array.isArray(config.layers)) {
      throw new TypeError(`Functional config has no "layers" list`);
    }
    const ends: Json = {};
    for (const key of ["input_layers", "output_layers"]) {
      const v = config[key];
      if (Array.isArray(v) && v.length === 1 && Array.isArray(v[0])) {
        ends[key] = v[0];
        notes.push(`Functional ${key}: a list of one, read as a single tensor (as Keras 3 does)`);
      }
    }
    out.config = {
      ...config,
      ...ends,
      layers: (config.layers as Json[]).map((l) => {
        const layer = translateLayer(l, notes, false);
        if (Array.isArray(layer.inbound_nodes)) {
          layer.inbound_nodes = translateNodes(layer, layer.inbound_nodes, notes);
        }
        return layer;
      }),
    };
  }
  return out;
}

function sequentialLayers(layers: Json[], notes: string[]): Json[] {
  const out = layers.map((l, i) => translateLayer(l, notes, i === 0));
  const first = layers[0];
  const firstConfig = isObject(first?.config) ? first.config : null;
  if (
    first && first.class_name !== "InputLayer" && firstConfig &&
    Array.isArray(firstConfig.batch_input_shape)
  ) {
    const name = `${firstConfig.name ?? "input"}_input`;
    out.unshift({
      class_name: "InputLayer",
      config: {
        batch_shape: firstConfig.batch_input_shape,
        dtype: typeof firstConfig.dtype === "string" ? firstConfig.dtype : "float32",
        sparse: false,
        name,
      },
    });
    notes.push(
      `${layerLabel(first)}: batch_input_shape ${
        JSON.stringify(firstConfig.batch_input_shape)
      } became an InputLayer "${name}" with that batch_shape`,
    );
  }
  return out;
}

function translateLayer(layer: Json, notes: string[], keepBatchShape: boolean): Json {
  if (!isObject(layer) || typeof layer.class_name !== "string" || !isObject(layer.config)) {
    throw new TypeError(
      `Expected a layer config {class_name, config}, received ${
        JSON.stringify(layer)?.slice(0, 100)
      }`,
    );
  }
  if (layer.class_name === "CuDNNLSTM" || layer.class_name === "CuDNNGRU") {
    layer = translateCuDNN(layer, notes);
  }
  const cls = layer.class_name as string;
  const config: Json = { ...layer.config as Json };
  const label = layerLabel(layer);
  if (cls === "InputLayer") {
    if (config.batch_input_shape !== undefined && config.batch_shape === undefined) {
      config.batch_shape = config.batch_input_shape;
      delete config.batch_input_shape;
      notes.push(`${label}: batch_input_shape read as batch_shape`);
    }
  } else if ("batch_input_shape" in config && !keepBatchShape) {
    delete config.batch_input_shape;
    notes.push(`${label}: dropped batch_input_shape (the input shape comes from the graph)`);
  } else if (keepBatchShape) {
    delete config.batch_input_shape;
  }
  if ("time_major" in config) {
    if (config.time_major !== false) {
      throw new TypeError(
        `${label}: time_major=${JSON.stringify(config.time_major)} is not supported`,
      );
    }
    delete config.time_major;
    notes.push(`${label}: dropped time_major: false (tf.keras 2 key)`);
  }
  if ((RNN_CLASSES.has(cls) || CELL_CLASSES.has(cls)) && "implementation" in config) {
    notes.push(
      `${label}: dropped implementation: ${JSON.stringify(config.implementation)} (same math)`,
    );
    delete config.implementation;
  }
  if (cls === "Embedding" && "input_length" in config) {
    notes.push(`${label}: dropped input_length (deprecated in Keras 3)`);
    delete config.input_length;
  }
  if ((cls === "GRU" || cls === "GRUCell") && !("reset_after" in config)) {
    config.reset_after = false;
    notes.push(
      `${label}: no reset_after key (Keras < 2.1.5 GRU); set reset_after=false, the formula it used`,
    );
  }
  for (const key of ["layer", "backward_layer", "cell"]) {
    if (isObject(config[key])) config[key] = translateLayer(config[key] as Json, notes, false);
  }
  if (Array.isArray(config.cells)) {
    config.cells = (config.cells as Json[]).map((c) => translateLayer(c, notes, false));
  }
  return { ...layer, config };
}

/**
 * Keras 2's CuDNNLSTM / CuDNNGRU as the LSTM / GRU that computes the same thing: tanh and a true
 * sigmoid (not Keras 2's default hard_sigmoid), a bias, and for GRU `reset_after=true` (cuDNN
 * applies the reset gate after the recurrent product). The weights are converted when they are
 * loaded (`convertCuDNNWeights`).
 */
function translateCuDNN(layer: Json, notes: string[]): Json {
  const lstm = layer.class_name === "CuDNNLSTM";
  const config: Json = {
    ...layer.config as Json,
    activation: "tanh",
    recurrent_activation: "sigmoid",
    use_bias: true,
    dropout: 0,
    recurrent_dropout: 0,
    unroll: false,
  };
  if (!lstm) config.reset_after = true;
  notes.push(
    `${layerLabel(layer)}: read as ${lstm ? "LSTM" : "GRU"} with the activations cuDNN uses ` +
      `(tanh, sigmoid${
        lstm ? "" : ", reset_after=true"
      }); its weights are converted from cuDNN's layout`,
  );
  return { ...layer, class_name: lstm ? "LSTM" : "GRU", config };
}

function kerasTensor(entry: unknown[]): Json {
  return {
    class_name: "__keras_tensor__",
    config: { shape: null, dtype: "float32", keras_history: [entry[0], entry[1], entry[2]] },
  };
}

function translateNodes(layer: Json, nodes: unknown[], notes: string[]): unknown[] {
  const label = layerLabel(layer);
  return nodes.map((node) => {
    if (!Array.isArray(node)) return node; // Keras 3 form {args, kwargs}
    const entries = node as unknown[][];
    if (!entries.every((e) => Array.isArray(e) && e.length >= 3 && e.length <= 4)) {
      throw new TypeError(
        `${label}: cannot read inbound node ${JSON.stringify(node).slice(0, 100)}`,
      );
    }
    const kwargs: Json = {};
    for (const e of entries) if (isObject(e[3])) Object.assign(kwargs, e[3]);
    const tensors = entries.map(kerasTensor);
    if (tensors.length > 1 && RNN_CLASSES.has(layer.class_name as string)) {
      notes.push(
        `${label}: its extra inputs (${
          entries.slice(1).map((e) => e[0]).join(", ")
        }) are the initial_state, as Keras 2 recorded it`,
      );
      return { args: [tensors[0]], kwargs: { ...kwargs, initial_state: tensors.slice(1) } };
    }
    return { args: [tensors.length === 1 ? tensors[0] : tensors], kwargs };
  });
}
