/**
 * Reading the layer calls (nodes) of a Functional config: Keras 3's `{args, kwargs}` form with
 * `__keras_tensor__` references, and Keras 2's nested-list form.
 *
 * @module
 */
import { type DeserializeOptions, type Layer, SymbolicTensor } from "@kerno/layers";

/** Keras classes whose Keras 2 configs list `initial_state` tensors as extra node inputs. */
const RECURRENT = new Set(["LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional"]);

/** A recurrent layer: one of Keras's, or any layer with a boolean `stateful` flag. */
function isRecurrent(layer: Layer): boolean {
  return RECURRENT.has(layer.className) ||
    typeof (layer as Layer & { stateful?: unknown }).stateful === "boolean";
}

/** Thrown (and caught) when a call reads a tensor whose layer call is not made yet. */
export const NOT_READY: unique symbol = Symbol("not ready");

/** True for a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A value shortened for error messages. */
export function short(v: unknown): string {
  const plain = (x: unknown) =>
    typeof x !== "object" || x === null || Array.isArray(x) ||
    Object.getPrototypeOf(x) === Object.prototype;
  try {
    const text = JSON.stringify(
      v,
      (_key, x) => plain(x) ? x : `<${x.constructor?.name ?? "object"}>`,
    );
    return text?.slice(0, 120) ?? String(v);
  } catch {
    return `<${typeof v}>`;
  }
}

/** The layers created so far, and how to find the tensors a call refers to. */
export class Rebuilder {
  readonly created = new Map<string, Layer>();
  readonly options: DeserializeOptions;

  constructor(options: DeserializeOptions) {
    this.options = options;
  }

  /** The tensor `[layer, node, tensor]` names, or NOT_READY when that call is not made yet. */
  tensor(history: unknown, where: string): SymbolicTensor | typeof NOT_READY {
    if (
      !Array.isArray(history) || history.length < 3 || typeof history[0] !== "string" ||
      !Number.isInteger(history[1]) || !Number.isInteger(history[2])
    ) {
      throw new TypeError(`${where}: invalid tensor reference ${short(history)}`);
    }
    const [name, nodeIndex, tensorIndex] = history as [string, number, number];
    const layer = this.created.get(name);
    if (!layer) throw new TypeError(`${where}: unknown layer "${name}"`);
    const node = layer.inboundNodes[nodeIndex];
    if (!node) return NOT_READY;
    const t = node.outputs[tensorIndex];
    if (!t) {
      throw new TypeError(
        `${where}: call ${nodeIndex} of layer "${name}" has ${node.outputs.length} outputs, so tensor index ${tensorIndex} does not exist`,
      );
    }
    return t;
  }

  /** Replaces `__keras_tensor__` objects (at any depth) by the tensors they name. */
  revive(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((v) => this.revive(v, where));
    if (isRecord(value)) {
      if (value.class_name === "__keras_tensor__") {
        const config = value.config as Record<string, unknown> | undefined;
        const t = this.tensor(config?.keras_history, where);
        if (t === NOT_READY) throw NOT_READY;
        return t;
      }
      if (value.class_name === "__tuple__" && isRecord(value.config)) {
        return this.revive(value.config.value, where);
      }
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.revive(v, where)]),
      );
    }
    return value;
  }
}

function hasTensor(v: unknown): boolean {
  return v instanceof SymbolicTensor || (Array.isArray(v) && v.some(hasTensor));
}

/** One layer call read from a config, ready for `layer.apply`. */
export interface ParsedCall {
  inputs: SymbolicTensor[];
  asList: boolean;
  positional: boolean;
  extraArgs: unknown[];
  initialState?: SymbolicTensor[];
  singleState?: boolean;
  mask?: SymbolicTensor | null;
  training?: boolean;
  /** The layer's own call arguments (see `Layer.callArguments`). */
  callArgs?: Record<string, unknown>;
}

function readKwargs(
  kwargs: Record<string, unknown>,
  call: ParsedCall,
  where: string,
  notes: string[] | undefined,
  accepted: readonly string[],
): void {
  for (const [key, value] of Object.entries(kwargs)) {
    if (key === "initial_state") {
      if (value === null) continue;
      const list = Array.isArray(value) ? value : [value];
      if (!list.every((t) => t instanceof SymbolicTensor)) {
        throw new TypeError(`${where}: initial_state must be tensors, received ${short(value)}`);
      }
      call.initialState = list as SymbolicTensor[];
      call.singleState = !Array.isArray(value);
    } else if (key === "mask") {
      if (value === null || value instanceof SymbolicTensor) call.mask = value;
      else if (Array.isArray(value) && value.every((m) => m === null)) {
        call.mask = null;
        notes?.push(`${where}: mask list of nulls read as mask=null`);
      } else {
        throw new TypeError(`${where}: unsupported mask argument ${short(value)}`);
      }
    } else if (key === "training") {
      if (value === null) continue;
      if (typeof value !== "boolean") {
        throw new TypeError(`${where}: training must be true or false, received ${short(value)}`);
      }
      call.training = value;
    } else if (accepted.includes(key) && !hasTensor(value)) {
      (call.callArgs ??= {})[key] = value;
    } else {
      throw new TypeError(
        `${where}: unsupported call argument "${key}" = ${short(value)} (Kerno refuses ` +
          "call arguments it does not implement)",
      );
    }
  }
}

/** Reads Keras 3's `{args, kwargs}` node form. */
export function parseKeras3Node(
  data: Record<string, unknown>,
  r: Rebuilder,
  where: string,
  accepted: readonly string[] = [],
): ParsedCall {
  const args = r.revive(data.args ?? [], where);
  const kwargs = r.revive(data.kwargs ?? {}, where);
  if (!Array.isArray(args) || !isRecord(kwargs)) {
    throw new TypeError(`${where}: expected {args: [...], kwargs: {...}}, received ${short(data)}`);
  }
  let call: ParsedCall;
  const first = args[0];
  if (Array.isArray(first) && first.length > 0 && first.every((t) => t instanceof SymbolicTensor)) {
    call = { inputs: first, asList: true, positional: false, extraArgs: args.slice(1) };
  } else if (first instanceof SymbolicTensor) {
    let k = 1;
    while (k < args.length && args[k] instanceof SymbolicTensor) k++;
    call = {
      inputs: args.slice(0, k) as SymbolicTensor[],
      asList: k > 1,
      positional: k > 1,
      extraArgs: args.slice(k),
    };
  } else {
    throw new TypeError(
      `${where}: the first argument must be a tensor or a list of tensors, received ${
        short(first)
      }`,
    );
  }
  if (call.extraArgs.some(hasTensor)) {
    throw new TypeError(`${where}: tensors after the first argument are not supported`);
  }
  readKwargs(kwargs, call, where, r.options.notes, accepted);
  return call;
}

/** Reads Keras 2's `[[layer, node, tensor, kwargs], …]` node form. */
export function parseLegacyNode(
  data: unknown[],
  layer: Layer,
  r: Rebuilder,
  where: string,
): ParsedCall {
  const inputs: SymbolicTensor[] = [];
  let kwargs: Record<string, unknown> = {};
  for (const entry of data) {
    if (!Array.isArray(entry) || entry.length < 3 || entry.length > 4) {
      throw new TypeError(`${where}: invalid legacy node entry ${short(entry)}`);
    }
    const t = r.tensor(entry, where);
    if (t === NOT_READY) throw NOT_READY;
    inputs.push(t);
    if (entry.length === 4) {
      if (!isRecord(entry[3])) throw new TypeError(`${where}: invalid kwargs ${short(entry[3])}`);
      kwargs = entry[3];
    }
  }
  if (inputs.length === 0) throw new TypeError(`${where}: a layer call without inputs`);
  const revived: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) {
    const isRef = (x: unknown) => Array.isArray(x) && typeof x[0] === "string";
    const resolve = (x: unknown) => {
      const t = r.tensor(x, where);
      if (t === NOT_READY) throw NOT_READY;
      return t;
    };
    if (k === "initial_state" && Array.isArray(v)) {
      revived[k] = isRef(v) ? resolve(v) : v.map((x) => (isRef(x) ? resolve(x) : x));
    } else if (k === "mask" && isRef(v)) revived[k] = resolve(v);
    else revived[k] = v;
  }
  const call: ParsedCall = {
    inputs,
    asList: inputs.length > 1,
    positional: false,
    extraArgs: [],
  };
  if (isRecurrent(layer) && inputs.length > 1) {
    call.inputs = [inputs[0]];
    call.asList = false;
    call.initialState = inputs.slice(1);
    r.options.notes?.push(
      `${where}: Keras 2 node with ${inputs.length} inputs read as input + initial_state`,
    );
  }
  readKwargs(revived, call, where, r.options.notes, layer.callArguments);
  return call;
}
