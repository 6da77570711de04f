import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { ProtoWriter } from "./protobuf.ts";

Deno.test("ProtoWriter.int writes the key and a little-endian base-128 varint", () => {
  assertEquals([...new ProtoWriter().int(1, 150).finish()], [0x08, 0x96, 0x01]);
  assertEquals([...new ProtoWriter().int(2, 0).finish()], [0x10, 0x00]);
});

Deno.test("ProtoWriter.int writes a negative value as ten bytes", () => {
  const bytes = [...new ProtoWriter().int(1, -1).finish()];
  assertEquals(bytes, [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
});

Deno.test("ProtoWriter.string and message write length-delimited fields", () => {
  const inner = new ProtoWriter().string(1, "LSTM");
  const bytes = [...new ProtoWriter().message(5, inner).finish()];
  assertEquals(bytes, [0x2a, 0x06, 0x0a, 0x04, 0x4c, 0x53, 0x54, 0x4d]);
});

Deno.test("ProtoWriter.float writes a fixed 32-bit little-endian value", () => {
  assertEquals([...new ProtoWriter().float(2, 1).finish()], [0x15, 0x00, 0x00, 0x80, 0x3f]);
});
