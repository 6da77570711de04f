/**
 * Writes an ONNX model (opset 14) holding one `LSTM` or `GRU` node, fed by a Keras-shaped input
 * `x (batch, timesteps, features)`: `Transpose` to time-major, the recurrent op, then either the
 * last hidden state `y (batch, H)` or, for a sequence, `y (batch, timesteps, dirs·H)` (forward
 * and backward concatenated per step, as Keras's `Bidirectional(merge_mode="concat")`).
 *
 * @module
 */
import { ProtoWriter } from "./protobuf.ts";
import type { OnnxRecurrentWeights } from "./onnx_weights.ts";

/** The recurrent graph to write. */
export interface RecurrentGraph {
  /** ONNX operator. */
  readonly op: "LSTM" | "GRU";
  /** Input dimensions. */
  readonly batch: number;
  /** Input dimensions. */
  readonly timesteps: number;
  /** Input dimensions. */
  readonly features: number;
  /** Hidden size H. */
  readonly units: number;
  /** 1 (forward) or 2 (bidirectional). */
  readonly directions: 1 | 2;
  /** Output every step (`return_sequences`) rather than the last hidden state. */
  readonly sequence: boolean;
  /** `W`, `R`, `B` in ONNX layout. */
  readonly weights: OnnxRecurrentWeights;
}

const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

function tensor(name: string, dims: number[], type: number, raw: Uint8Array): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  return t.int(2, type).string(8, name).bytes(9, raw);
}

function floats(name: string, dims: number[], data: Float32Array): ProtoWriter {
  return tensor(name, dims, FLOAT, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function int64s(name: string, values: number[]): ProtoWriter {
  const raw = new BigInt64Array(values.map((v) => BigInt(v)));
  return tensor(name, [values.length], INT64, new Uint8Array(raw.buffer));
}

function valueInfo(name: string, dims: number[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

type Attr = number | string | number[];

function node(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr>) {
  const n = new ProtoWriter();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, `${op.toLowerCase()}_${outputs.find((o) => o) ?? ""}`).string(4, op);
  for (const [name, value] of Object.entries(attrs)) {
    const a = new ProtoWriter().string(1, name);
    if (typeof value === "number") a.int(3, value).int(20, ATTR_INT);
    else if (typeof value === "string") a.string(4, value).int(20, ATTR_STRING);
    else {
      for (const v of value) a.int(8, v);
      a.int(20, ATTR_INTS);
    }
    n.message(5, a);
  }
  return n;
}

/** The serialized `ModelProto` for `g`, ready for `InferenceSession.create(bytes)`. */
export function recurrentModel(g: RecurrentGraph): Uint8Array {
  const { batch: b, timesteps: t, features: d, units: h, directions: dirs } = g;
  if (!g.sequence && dirs !== 1) {
    throw new RangeError("recurrentModel: a last-state output is written for one direction only");
  }
  const gates = g.op === "LSTM" ? 4 : 3;
  const graph = new ProtoWriter();
  const attrs: Record<string, Attr> = {
    hidden_size: h,
    direction: dirs === 2 ? "bidirectional" : "forward",
  };
  if (g.op === "GRU") attrs.linear_before_reset = 1;
  graph.message(1, node("Transpose", ["x"], ["x_tbd"], { perm: [1, 0, 2] }));
  if (g.sequence) {
    // Y (T, dirs, B, H) → (B, T, dirs, H) → (B, T, dirs·H).
    graph.message(1, node(g.op, ["x_tbd", "W", "R", "B"], ["y_tdbh"], attrs));
    graph.message(1, node("Transpose", ["y_tdbh"], ["y_btdh"], { perm: [2, 0, 1, 3] }));
    graph.message(1, node("Reshape", ["y_btdh", "y_shape"], ["y"], {}));
  } else {
    // Y_h (1, B, H) → (B, H); Y itself is not asked for.
    graph.message(1, node(g.op, ["x_tbd", "W", "R", "B"], ["", "y_h"], attrs));
    graph.message(1, node("Reshape", ["y_h", "y_shape"], ["y"], {}));
  }
  graph.string(2, `kerno_peer_${g.op.toLowerCase()}`);
  const w = g.weights;
  graph.message(5, floats("W", [dirs, gates * h, d], w.W));
  graph.message(5, floats("R", [dirs, gates * h, h], w.R));
  graph.message(5, floats("B", [dirs, 2 * gates * h], w.B));
  const outDims = g.sequence ? [b, t, dirs * h] : [b, dirs * h];
  graph.message(5, int64s("y_shape", outDims));
  graph.message(11, valueInfo("x", [b, t, d]));
  graph.message(12, valueInfo("y", outDims));
  return new ProtoWriter()
    .int(1, 7) // ir_version 7 (opset 14)
    .string(2, "kerno-benchmarks-peers")
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, "").int(2, 14))
    .finish();
}
