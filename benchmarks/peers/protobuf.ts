/**
 * A tiny protobuf writer: just what an ONNX `ModelProto` needs (varints, length-delimited
 * fields, 32-bit floats). Fields are appended in call order; `bytes()` returns the message.
 *
 * @module
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Builds one protobuf message field by field. */
export class ProtoWriter {
  #chunks: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    do {
      const byte = Number(v & 0x7fn);
      v >>= 7n;
      out.push(v ? byte | 0x80 : byte);
    } while (v);
    this.#push(new Uint8Array(out));
  }

  #key(field: number, wire: number): void {
    this.#varint((field << 3) | wire);
  }

  /** An int32/int64/enum field (negative values take ten bytes, as protobuf says). */
  int(field: number, value: number): this {
    this.#key(field, WIRE_VARINT);
    this.#varint(value);
    return this;
  }

  /** A 32-bit float field. */
  float(field: number, value: number): this {
    this.#key(field, WIRE_I32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(b);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.#key(field, WIRE_LEN);
    this.#varint(value.length);
    this.#push(value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
