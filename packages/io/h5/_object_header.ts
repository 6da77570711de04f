import { UNDEFINED_ADDRESS } from "./_bytes.ts";
import type { H5Context } from "./_superblock.ts";

/** One header message: its type and where its data lies in the file. */
export interface H5Message {
  /** Message type (1 dataspace, 3 datatype, 8 layout, 12 attribute, 17 symbol table, …). */
  readonly type: number;
  /** Absolute offset of the message data. */
  readonly offset: number;
  /** Size of the message data in bytes. */
  readonly size: number;
  /** Message flags (bit 1: shared). */
  readonly flags: number;
}

/** Message type numbers the reader uses. */
export const MSG = {
  dataspace: 0x01,
  linkInfo: 0x02,
  datatype: 0x03,
  link: 0x06,
  layout: 0x08,
  filters: 0x0b,
  attribute: 0x0c,
  continuation: 0x10,
  symbolTable: 0x11,
  attributeInfo: 0x15,
} as const;

const MAX_MESSAGES = 1 << 16;

/** Reads every message of the object header at `address` (version 1 or 2), following continuations. */
export function readObjectHeader(ctx: H5Context, address: number, path: string): H5Message[] {
  const { view } = ctx;
  if (address === UNDEFINED_ADDRESS) {
    throw new TypeError(`${view.label}: corrupted HDF5 file: object "${path}" has no address`);
  }
  const at = address + ctx.base;
  const messages: H5Message[] = [];
  const what = `object header of "${path}"`;
  if (view.bytes[at] === 1 && view.signature(at, what) !== "OHDR") {
    const count = view.u16(at + 2, what);
    const size = view.u32(at + 8, what);
    const chunks: [number, number][] = [[at + 16, size]];
    while (chunks.length > 0) {
      const [start, length] = chunks.shift()!;
      if (messages.length >= count) break;
      view.check(start, length, what);
      let p = start;
      while (p + 8 <= start + length && messages.length < count) {
        const type = view.u16(p, what);
        const msgSize = view.u16(p + 2, what);
        const flags = view.u8(p + 4, what);
        view.check(p + 8, msgSize, what);
        if (type === MSG.continuation) {
          chunks.push(continuation(ctx, p + 8, what));
        }
        messages.push({ type, offset: p + 8, size: msgSize, flags });
        p += 8 + msgSize;
      }
    }
    return messages;
  }
  view.expectSignature(at, "OHDR", what);
  const version = view.u8(at + 4, what);
  if (version !== 2) {
    throw new TypeError(`${view.label}: unsupported object header version ${version} (${what})`);
  }
  const flags = view.u8(at + 5, what);
  let p = at + 6;
  if (flags & 0x20) p += 16; // access, modification, change, birth times
  if (flags & 0x10) p += 4; // attribute storage phase change values
  const sizeBytes = 1 << (flags & 3);
  const chunk0 = view.uint(p, sizeBytes, what);
  p += sizeBytes;
  const orderTracked = (flags & 0x04) !== 0;
  const chunks: [number, number][] = [[p, chunk0]];
  let first = true;
  while (chunks.length > 0) {
    let [start, length] = chunks.shift()!;
    if (!first) {
      view.expectSignature(start, "OCHK", what);
      start += 4;
      length -= 8; // signature and checksum
    } else first = false;
    view.check(start, length, what);
    const end = start + length;
    const headerSize = orderTracked ? 6 : 4;
    let q = start;
    while (q + headerSize <= end) {
      const type = view.u8(q, what);
      const msgSize = view.u16(q + 1, what);
      const msgFlags = view.u8(q + 3, what);
      const dataAt = q + headerSize;
      view.check(dataAt, msgSize, what);
      if (type === MSG.continuation) chunks.push(continuation(ctx, dataAt, what));
      messages.push({ type, offset: dataAt, size: msgSize, flags: msgFlags });
      q = dataAt + msgSize;
      if (messages.length > MAX_MESSAGES) tooMany(ctx, what);
    }
  }
  return messages;
}

function continuation(ctx: H5Context, at: number, what: string): [number, number] {
  const offset = ctx.view.uint(at, ctx.offsetSize, what) + ctx.base;
  const length = ctx.view.uint(at + ctx.offsetSize, ctx.lengthSize, what);
  ctx.view.check(offset, length, `continuation block of the ${what}`);
  return [offset, length];
}

function tooMany(ctx: H5Context, what: string): never {
  throw new RangeError(
    `${ctx.view.label}: corrupted HDF5 file: more than ${MAX_MESSAGES} messages in the ${what}`,
  );
}
