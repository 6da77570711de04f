/** Bytes of a file to read, with the name used in error messages. */
export interface Source {
  /** The whole file. */
  readonly bytes: Uint8Array;
  /** The path, or `<bytes>` when the caller passed bytes. */
  readonly label: string;
}

/** Reads `pathOrBytes`: a path is read with `Deno.readFile`, bytes are used as they are. */
export async function readSource(
  pathOrBytes: string | Uint8Array,
  label?: string,
): Promise<Source> {
  if (typeof pathOrBytes !== "string") return { bytes: pathOrBytes, label: label ?? "<bytes>" };
  return { bytes: await Deno.readFile(pathOrBytes), label: label ?? pathOrBytes };
}

/** Re-throws `e` with `label: ` in front of its message (same error class), unless already there. */
export function withLabel(e: unknown, label: string): never {
  if (e instanceof Error && !e.message.startsWith(label)) {
    const Ctor = e instanceof RangeError ? RangeError : e instanceof TypeError ? TypeError : Error;
    throw new Ctor(`${label}: ${e.message}`, { cause: e });
  }
  throw e;
}

/** The first bytes of a file as printable text, for "unknown format" messages. */
export function describeStart(bytes: Uint8Array): string {
  const head = Array.from(
    bytes.subarray(0, 8),
    (b) => b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`,
  )
    .join("");
  return JSON.stringify(head);
}
