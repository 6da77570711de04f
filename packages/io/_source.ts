/**
 * Where a Keras file can come from: a path (Deno only), a `URL` (fetched, or read from disk for
 * `file:` URLs in Deno), a `Response`, or bytes.
 *
 * @module
 */

/**
 * A model or weights file to read: a file path (Deno only), a `URL` (`file:` URLs need Deno,
 * others are fetched), a `Response` (e.g. of `fetch`), or its bytes (`Uint8Array`, `ArrayBuffer`).
 */
export type FileSource = string | URL | Response | Uint8Array | ArrayBuffer;

/** Bytes of a file to read, with the name used in error messages. */
export interface Source {
  /** The whole file. */
  readonly bytes: Uint8Array;
  /** The path, or `<bytes>` when the caller passed bytes. */
  readonly label: string;
}

type FileSystem = Pick<typeof Deno, "readFile" | "writeFile" | "rename" | "remove">;

/**
 * Deno's file functions, or an error naming `path` where there are none (in a browser).
 * `instead` says what to do there.
 */
export function fileSystemFor(path: string, instead = "pass bytes or a URL"): FileSystem {
  const deno = (globalThis as { Deno?: FileSystem }).Deno;
  if (typeof deno?.readFile !== "function") {
    throw new TypeError(`${path}: file paths need Deno; ${instead}`);
  }
  return deno;
}

/** The bytes of a `Response`; a failed one (404, …) throws an error naming it. */
async function readResponse(response: Response, label: string): Promise<Uint8Array> {
  if (!response.ok) {
    throw new Error(
      `${label}: expected a file, but the server answered ${response.status} ${response.statusText}`
        .trimEnd(),
    );
  }
  if (response.bodyUsed) throw new TypeError(`${label}: the Response body was already read`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Reads a {@linkcode FileSource}: paths and `file:` URLs with Deno, other URLs with `fetch`. */
export async function readSource(source: FileSource, label?: string): Promise<Source> {
  if (source instanceof Uint8Array) return { bytes: source, label: label ?? "<bytes>" };
  if (source instanceof ArrayBuffer) {
    return { bytes: new Uint8Array(source), label: label ?? "<bytes>" };
  }
  if (typeof source === "string") {
    const bytes = await fileSystemFor(source).readFile(source);
    return { bytes, label: label ?? source };
  }
  if (source instanceof URL) {
    const name = label ?? source.href;
    if (source.protocol === "file:") {
      return { bytes: await fileSystemFor(name).readFile(source), label: name };
    }
    let response: Response;
    try {
      response = await fetch(source);
    } catch (e) {
      throw new Error(`${name}: could not fetch it (${e instanceof Error ? e.message : e})`, {
        cause: e,
      });
    }
    return { bytes: await readResponse(response, name), label: name };
  }
  if (typeof Response !== "undefined" && source instanceof Response) {
    const name = label ?? (source.url || "<response>");
    return { bytes: await readResponse(source, name), label: name };
  }
  throw new TypeError(
    `expected a file path, URL, Response, Uint8Array or ArrayBuffer, found ${
      Object.prototype.toString.call(source)
    }`,
  );
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
