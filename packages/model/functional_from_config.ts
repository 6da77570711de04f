import {
  deserializeLayer,
  type DeserializeOptions,
  type Layer,
  type Nested,
  type SymbolicTensor,
} from "@kerno/layers";
import {
  isRecord,
  NOT_READY,
  type ParsedCall,
  parseKeras3Node,
  parseLegacyNode,
  Rebuilder,
  short,
} from "./node_args.ts";
import { positionalNodes, singleStateNodes } from "./node_form.ts";

/** Keras's Functional config, as read from JSON. */
export interface FunctionalConfig {
  /** Model name. */
  name?: string;
  /** Whether the model is trainable. */
  trainable?: boolean;
  /** Layer configs with `name` and `inbound_nodes`. */
  layers: unknown[];
  /** `[layer, node, tensor]` triples (one, or nested lists of them). */
  input_layers: unknown;
  /** `[layer, node, tensor]` triples (one, or nested lists of them). */
  output_layers: unknown;
  /** Keras versions may write a dtype policy; it is not used. */
  dtype?: unknown;
}

/** What {@linkcode functionalFromConfig} rebuilds: the symbolic ends of the graph. */
export interface FunctionalEnds {
  /** Model inputs, in the config's structure. */
  readonly inputs: Nested<SymbolicTensor>;
  /** Model outputs, in the config's structure. */
  readonly outputs: Nested<SymbolicTensor>;
  /** Model name from the config. */
  readonly name?: string;
  /** Trainable flag from the config. */
  readonly trainable?: boolean;
}

/** Makes one recorded layer call; false when a tensor it needs does not exist yet. */
function processNode(layer: Layer, data: unknown, r: Rebuilder, where: string): boolean {
  let call: ParsedCall;
  try {
    if (Array.isArray(data)) call = parseLegacyNode(data, layer, r, where);
    else if (isRecord(data)) call = parseKeras3Node(data, r, where, layer.callArguments);
    else throw new TypeError(`${where}: invalid node ${short(data)}`);
  } catch (e) {
    if (e === NOT_READY) return false;
    throw e;
  }
  layer.apply(call.asList ? call.inputs : call.inputs[0], {
    ...(call.initialState ? { initialState: call.initialState } : {}),
    ...(call.mask !== undefined ? { mask: call.mask } : {}),
    ...(call.training !== undefined ? { training: call.training } : {}),
    ...(call.callArgs ? { callArgs: call.callArgs } : {}),
    extraArgs: call.extraArgs,
  });
  const node = layer.inboundNodes[layer.inboundNodes.length - 1];
  if (call.positional) positionalNodes.add(node);
  if (call.singleState) singleStateNodes.add(node);
  return true;
}

function mapEnds(value: unknown, r: Rebuilder, where: string): Nested<SymbolicTensor> {
  if (!Array.isArray(value)) {
    throw new TypeError(`${where}: expected [layer, node, tensor] lists, received ${short(value)}`);
  }
  if (value.length >= 3 && typeof value[0] === "string") {
    const t = r.tensor(value, where);
    if (t === NOT_READY) {
      throw new TypeError(
        `${where}: ${short(value)} names a layer call that the config never makes`,
      );
    }
    return t;
  }
  return value.map((v) => mapEnds(v, r, where));
}

/**
 * Keras's `functional_from_config`: creates every layer, then replays the recorded layer calls
 * (a call waits until the tensors it reads exist), and finds the input and output tensors.
 */
export function functionalFromConfig(
  config: FunctionalConfig,
  options: DeserializeOptions = {},
): FunctionalEnds {
  const allowed = ["name", "trainable", "layers", "input_layers", "output_layers", "dtype"];
  for (const key of Object.keys(config)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`Functional model config: unsupported key "${key}"`);
    }
  }
  if (!Array.isArray(config.layers)) {
    throw new TypeError(`Functional model config: "layers" must be a list`);
  }
  const r = new Rebuilder(options);
  const pending = new Map<Layer, unknown[]>();
  const order: Layer[] = [];
  for (const data of config.layers) {
    if (!isRecord(data)) {
      throw new TypeError(`Functional model config: invalid layer ${short(data)}`);
    }
    const layer = deserializeLayer(data, options);
    const cfg = data.config as Record<string, unknown> | undefined;
    const name = typeof data.name === "string"
      ? data.name
      : typeof cfg?.name === "string"
      ? cfg.name
      : layer.name;
    if (r.created.has(name)) {
      throw new TypeError(`Functional model config: two layers are named "${name}"`);
    }
    r.created.set(name, layer);
    const nodes = data.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) {
      throw new TypeError(
        `Layer "${name}": inbound_nodes must be a list, received ${short(nodes)}`,
      );
    }
    pending.set(layer, [...nodes]);
    order.push(layer);
  }
  let remaining = [...pending.values()].reduce((n, list) => n + list.length, 0);
  while (remaining > 0) {
    let progress = false;
    for (const layer of order) {
      const list = pending.get(layer)!;
      while (list.length > 0) {
        const index = layer.inboundNodes.length;
        const where = `Layer "${layer.name}", call ${index}`;
        if (!processNode(layer, list[0], r, where)) break;
        list.shift();
        remaining--;
        progress = true;
      }
    }
    if (!progress) {
      const stuck = order.filter((l) => pending.get(l)!.length > 0).map((l) => `"${l.name}"`);
      throw new TypeError(
        `Functional model config: the calls of layer(s) ${
          stuck.join(", ")
        } read tensors that no call produces (a missing node or a cycle)`,
      );
    }
  }
  return {
    inputs: mapEnds(config.input_layers, r, "input_layers"),
    outputs: mapEnds(config.output_layers, r, "output_layers"),
    name: typeof config.name === "string" ? config.name : undefined,
    trainable: typeof config.trainable === "boolean" ? config.trainable : undefined,
  };
}
